import { InputError } from '../errors';

/** Default cap on a decoded image (`system.max_image_megavoxels`, `readImage`'s `maxMegavoxels`): 2048 × 10⁶ samples. */
export const DEFAULT_MAX_MEGAVOXELS = 2048;

/** Options of `readImage` and of every `ImageReader.read`. */
export interface ReadImageOptions {
  /**
   * Refuse (InputError) an image whose header announces more than this many million samples (all
   * axes, channels included), before any of it is decoded. Default 2048.
   */
  maxMegavoxels?: number;
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
  throw new InputError(
    `image is ${dims.join('×')} = ${formatMegavoxels(voxels)} megavoxels, more than the limit of ${formatMegavoxels(max * 1e6)} (system.max_image_megavoxels); refused before decoding`,
    {
      file,
      hint: `if the image is meant to be this large, raise the limit: --set system.max_image_megavoxels=${Math.ceil(voxels / 1e6)} (maxMegavoxels when calling readImage)`,
    },
  );
}

/** Samples as megavoxels for messages: `900`, `1.5`, `0.0042`. */
export function formatMegavoxels(voxels: number): string {
  const m = voxels / 1e6;
  return Number.isInteger(m) ? String(m) : m >= 1 ? m.toFixed(1) : String(Number(m.toPrecision(2)));
}
