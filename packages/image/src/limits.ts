/**
 * Default cap on a decoded image, in million samples (all axes, channels included): what a reader
 * refuses before decoding (`system.max_image_megavoxels` in a biaflow config). A compressed file of a
 * few hundred kilobytes can announce 30000×30000 pixels; the cap is checked from the header's
 * dimensions, never from the file size.
 */
export const DEFAULT_MAX_MEGAVOXELS = 2048;

/** A count of samples in megavoxels, for messages: whole when it is, one decimal above 1, two significant digits below. */
export function formatMegavoxels(voxels: number): string {
  const m = voxels / 1e6;
  return Number.isInteger(m) ? String(m) : m >= 1 ? m.toFixed(1) : String(Number(m.toPrecision(2)));
}
