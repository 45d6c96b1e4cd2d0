import path from 'node:path';
import { InputError } from '../errors';
import { writeFileAtomic, writeFileAtomicSync } from '../fs/atomic-write';
import { defaultAxes, validateAxes } from '@biaflow/image';
import { encodePng } from './png';
import { encodeTiff, type TiffWriteOptions } from './tiff/write-tiff';
import type { Image, NdArray } from '@biaflow/image';

export type WriteImageInput = NdArray & Partial<Pick<Image, 'axes' | 'spacing' | 'dtype' | 'frameInterval'>>;

export interface WriteImageOptions {
  /** TIFF only: `none` (default; opens in ImageJ's own reader) or `deflate` (smaller; Fiji opens it via Bio-Formats). */
  compression?: 'none' | 'deflate';
  /** zlib level for deflate, 1 (fastest) to 9 (smallest); default 6. */
  level?: number;
}

/** Encode an image to the bytes of the format its file extension names (.tif/.tiff or .png). */
export function encodeImage(file: string, image: WriteImageInput, options: WriteImageOptions = {}): Uint8Array {
  const parts = encodeImageParts(file, image, options);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** The encoded file as parts in order; uncompressed TIFF pixel data are views of the input (no copy). */
function encodeImageParts(file: string, image: WriteImageInput, options: WriteImageOptions): Uint8Array[] {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.tif' || ext === '.tiff') {
    const tiffOptions: TiffWriteOptions = { compression: options.compression ?? 'none', level: options.level };
    return encodeTiff(file, image, tiffOptions);
  }
  if (ext === '.png') {
    const axes = validateAxes(image.axes ?? defaultAxes(image.shape.length, file), image.shape, file);
    if (axes !== 'YX' && axes !== 'YXS' && axes !== 'YXC') {
      throw new InputError(`PNG holds 2D images (YX or YXS); got axes '${axes}' (write it as .tif)`, { file });
    }
    return [encodePng(file, image)];
  }
  throw new InputError(`cannot write images with extension '${ext || '(none)'}'; use .tif, .tiff or .png`, { file });
}

/**
 * Write an image; the format follows the extension. The file appears complete or not at all
 * (temporary name, then rename). Axes default to YX / ZYX by dimension; spacing is in micrometres.
 */
export async function writeImage(file: string, image: WriteImageInput, options: WriteImageOptions = {}): Promise<void> {
  await writeFileAtomic(file, encodeImageParts(file, image, options));
}

/** Synchronous `writeImage`. */
export function writeImageSync(file: string, image: WriteImageInput, options: WriteImageOptions = {}): void {
  writeFileAtomicSync(file, encodeImageParts(file, image, options));
}
