import { DEFAULT_MAX_MEGAVOXELS, formatMegavoxels, ImageError } from '@biaflow/image';
import type { Zlib } from './zlib';

/** Options of the decoders (`decodeImage`, and `readImage`, which reads then decodes). */
export interface ReadImageOptions {
  /**
   * Refuse (ImageError) an image whose header announces more than this many million samples (all
   * axes, channels included), before any of it is decoded. Default 2048.
   */
  maxMegavoxels?: number;
  /** The deflate codec (default: the pure-JS one; Node's adapter passes Node's zlib). */
  zlib?: Zlib;
}

/**
 * Refuse an image the header says is larger than the cap, before decoding it: a compressed file
 * of a few hundred kilobytes can announce 30000×30000 pixels and inflate to gigabytes, so the size
 * is checked from the dimensions, never from the file size. `dims` are the sizes the header gives
 * (planes, rows, columns, samples), shown as they are in the message.
 */
export function checkImageSize(file: string, dims: readonly number[], options: ReadImageOptions | undefined): void {
  const max = options?.maxMegavoxels ?? DEFAULT_MAX_MEGAVOXELS;
  const voxels = dims.reduce((a, b) => a * b, 1);
  if (voxels <= max * 1e6) return;
  throw new ImageError(
    `image is ${dims.join('×')} = ${formatMegavoxels(voxels)} megavoxels, more than the limit of ${formatMegavoxels(max * 1e6)} (system.max_image_megavoxels); refused before decoding`,
    {
      file,
      hint: `if the image is meant to be this large, raise the limit: --set system.max_image_megavoxels=${Math.ceil(voxels / 1e6)} (maxMegavoxels when calling readImage)`,
    },
  );
}

