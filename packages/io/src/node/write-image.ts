import { writeFileAtomic, writeFileAtomicSync } from '@biaflow/core';
import { encodeImage as encodeWith, encodeImageParts, type WriteImageInput, type WriteImageOptions } from '../codecs/encode-image';
import { asInputError } from './as-input-error';
import { nodeZlib } from './node-zlib';

function parts(file: string, image: WriteImageInput, options: WriteImageOptions): Uint8Array[] {
  try {
    return encodeImageParts(file, image, { zlib: nodeZlib, ...options });
  } catch (e) {
    throw asInputError(e);
  }
}

/** `encodeImage` with Node's zlib; an image the format cannot hold is an `InputError` naming the file. */
export function encodeImage(file: string, image: WriteImageInput, options: WriteImageOptions = {}): Uint8Array {
  try {
    return encodeWith(file, image, { zlib: nodeZlib, ...options });
  } catch (e) {
    throw asInputError(e);
  }
}

/**
 * Write an image; the format follows the extension. The file appears complete or not at all
 * (temporary name, then rename). Axes default to YX / ZYX by dimension; spacing is in micrometres.
 */
export async function writeImage(file: string, image: WriteImageInput, options: WriteImageOptions = {}): Promise<void> {
  await writeFileAtomic(file, parts(file, image, options));
}

/** Synchronous `writeImage`. */
export function writeImageSync(file: string, image: WriteImageInput, options: WriteImageOptions = {}): void {
  writeFileAtomicSync(file, parts(file, image, options));
}
