import { defaultAxes, ImageError, validateAxes, type ImageToWrite } from '@biaflow/image';
import { extensionOf } from './decode-image';
import { encodePng } from './png';
import { encodeTiff, type TiffWriteOptions } from './tiff/write-tiff';
import type { Zlib } from './zlib';

export type WriteImageInput = ImageToWrite;

export interface WriteImageOptions {
  /** TIFF only: `none` (default; opens in ImageJ's own reader) or `deflate` (smaller; Fiji opens it via Bio-Formats). */
  compression?: 'none' | 'deflate';
  /** zlib level for deflate, 1 (fastest) to 9 (smallest); default 6. */
  level?: number;
  /** The deflate codec (default: the pure-JS one; Node's adapter passes Node's zlib). */
  zlib?: Zlib;
}

/** Encode an image to the bytes of the format its file extension names (.tif/.tiff or .png). */
export function encodeImage(file: string, image: WriteImageInput, options: WriteImageOptions = {}): Uint8Array {
  const parts = encodeImageParts(file, image, options);
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The encoded file as parts in order; uncompressed TIFF pixel data are views of the input (no copy). */
export function encodeImageParts(file: string, image: WriteImageInput, options: WriteImageOptions = {}): Uint8Array[] {
  const ext = extensionOf(file);
  if (ext === '.tif' || ext === '.tiff') {
    const tiffOptions: TiffWriteOptions = { compression: options.compression ?? 'none', level: options.level, zlib: options.zlib };
    return encodeTiff(file, image, tiffOptions);
  }
  if (ext === '.png') {
    const axes = validateAxes(image.axes ?? defaultAxes(image.shape.length, file), image.shape, file);
    if (axes !== 'YX' && axes !== 'YXS' && axes !== 'YXC') {
      throw new ImageError(`PNG holds 2D images (YX or YXS); got axes '${axes}' (write it as .tif)`, { file });
    }
    return [encodePng(file, image)];
  }
  throw new ImageError(`cannot write images with extension '${ext || '(none)'}'; use .tif, .tiff or .png`, { file });
}
