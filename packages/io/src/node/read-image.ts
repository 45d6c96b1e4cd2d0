import fs from 'node:fs';
import { InputError } from '@biaflow/core';
import type { Image } from '@biaflow/image';
import { decodeImage as decodeWith } from '../codecs/decode-image';
import type { ReadImageOptions } from '../codecs/size-limit';
import { asDataError } from './as-input-error';
import { nodeZlib } from './node-zlib';

/** `decodeImage` with Node's zlib; a bad file is a `DataError` (an `InputError`) naming it. */
export function decodeImage(file: string, bytes: Uint8Array, options?: ReadImageOptions): Image {
  try {
    return decodeWith(file, bytes, { zlib: nodeZlib, ...options });
  } catch (e) {
    throw asDataError(e);
  }
}

function readBytes(file: string, content: Buffer | undefined, err: unknown): Buffer {
  if (content) return content;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') throw new InputError('image file does not exist', { file });
  if (code === 'EISDIR') throw new InputError('is a folder, not an image file', { file });
  throw new InputError(`cannot read image file (${(err as Error)?.message ?? code})`, { file, cause: err });
}

/**
 * Read an image file (TIFF, PNG, JPEG) with its axes and spacing; data in the file's own axis order.
 * The format comes from the file's first bytes, not its extension. `data` may be a view into a
 * larger buffer (uncompressed TIFFs are not copied): use `data.byteOffset`/`byteLength` with `data.buffer`.
 * An image whose header announces more than `options.maxMegavoxels` million samples (default
 * 2048) is refused with an InputError before it is decoded.
 */
export async function readImage(file: string, options?: ReadImageOptions): Promise<Image> {
  let content: Buffer | undefined;
  let err: unknown;
  try {
    content = await fs.promises.readFile(file);
  } catch (e) {
    err = e;
  }
  return decodeImage(file, readBytes(file, content, err), options);
}

/** Synchronous `readImage`, for callers that read inside a synchronous loop (data generators). */
export function readImageSync(file: string, options?: ReadImageOptions): Image {
  let content: Buffer | undefined;
  let err: unknown;
  try {
    content = fs.readFileSync(file);
  } catch (e) {
    err = e;
  }
  return decodeImage(file, readBytes(file, content, err), options);
}
