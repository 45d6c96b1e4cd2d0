import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import type { ReadImageOptions } from './image-size-limit';
import { decodeJpeg } from './jpeg';
import { decodePng } from './png';
import { decodeTiff } from './tiff/read-tiff';
import type { Image } from '@biaflow/image';

/** Which decoder a file's first bytes call for (the extension only breaks ties and names the error). */
export type ImageFormat = 'tiff' | 'png' | 'jpeg';
export type { ReadImageOptions } from './image-size-limit';

export function sniffFormat(head: Uint8Array): ImageFormat | undefined {
  // II*\0 / MM\0* (classic) or II+\0 / MM\0+ (BigTIFF); a file cut inside those 4 bytes is still a (truncated) TIFF.
  const ii = head[0] === 0x49 && head[1] === 0x49 && (head.length < 3 || head[2] === 42 || head[2] === 43);
  const mm = head[0] === 0x4d && head[1] === 0x4d && (head.length < 3 || head[2] === 0);
  if (head.length >= 2 && (ii || mm)) return 'tiff';
  if (head.length >= 8 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  return undefined;
}

const FORMAT_BY_EXTENSION: Record<string, ImageFormat> = {
  '.tif': 'tiff',
  '.tiff': 'tiff',
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
};

/** Extensions `readImage` and `listImageFiles` accept (lower case, with the dot). */
export const IMAGE_EXTENSIONS = Object.keys(FORMAT_BY_EXTENSION);

export function formatFromExtension(file: string): ImageFormat | undefined {
  return FORMAT_BY_EXTENSION[path.extname(file).toLowerCase()];
}

/**
 * Decode an image already in memory; `file` names it in errors. For uncompressed TIFFs the
 * returned `data` may be a view into `bytes` (no copy): mind `data.byteOffset` when reaching for
 * `data.buffer`.
 */
export function decodeImage(file: string, bytes: Uint8Array, options?: ReadImageOptions): Image {
  const format = sniffFormat(bytes);
  if (!format) {
    const expected = formatFromExtension(file);
    const what = expected ? `not a ${expected.toUpperCase()} file` : 'not a supported image file';
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new InputError(
      `${what}: ${bytes.length === 0 ? 'the file is empty' : `it starts with bytes ${head}`} (supported: TIFF, PNG, JPEG)`,
      { file },
    );
  }
  try {
    if (format === 'tiff') return decodeTiff(file, bytes, options);
    if (format === 'png') return decodePng(file, bytes, options);
    return decodeJpeg(file, bytes, options);
  } catch (e) {
    if (e instanceof InputError) throw e;
    // A decoder failing in a way we did not foresee is still a bad input file, not a crash.
    const reason = e instanceof Error ? e.message : String(e);
    throw new InputError(`cannot decode ${format.toUpperCase()} file (${reason})`, { file, cause: e });
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
