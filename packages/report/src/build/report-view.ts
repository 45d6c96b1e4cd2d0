import type { NdArray, PointList } from '@biaflow/image';
import type { ReportPoint } from '../render';

/**
 * The 2D window of a test image that the run report shows: which plane of a 3D image, which crop of
 * a large one, and the input scaled to 8 bits. Every layer (labels, points) goes through the same
 * window, so the overlay lines up with the input.
 */

/** Largest side shown: larger images are cropped around their centre (the report embeds raw pixels). */
export const REPORT_MAX_SIDE = 512;

/** Percentiles of the input mapped to 0 and 255 (robust to a few hot pixels). */
const LOW_PERCENTILE = 0.005;
const HIGH_PERCENTILE = 0.995;

export interface ReportWindow {
  /** Plane index of a 3D image (undefined for 2D). */
  plane?: number;
  y0: number;
  x0: number;
  height: number;
  width: number;
}

/**
 * The window for an image of spatial shape `[y, x]` or `[z, y, x]`: for 3D, the plane holding the
 * most foreground of `focus` (a label image: the ground truth, else the prediction) or the most of
 * the `focusPoints` z coordinates, else the middle plane; a centred crop of at most
 * `REPORT_MAX_SIDE` per side.
 */
export function reportWindow(spatial: readonly number[], focus?: NdArray | null, focusPoints?: PointList | null): ReportWindow {
  const [h, w] = spatial.slice(-2);
  const height = Math.min(h, REPORT_MAX_SIDE);
  const width = Math.min(w, REPORT_MAX_SIDE);
  const window: ReportWindow = { y0: Math.floor((h - height) / 2), x0: Math.floor((w - width) / 2), height, width };
  if (spatial.length === 3) {
    const depth = spatial[0];
    const counts = new Float64Array(depth);
    if (focus) {
      const plane = h * w;
      for (let i = 0; i < focus.data.length; i++) if (focus.data[i] !== 0) counts[Math.floor(i / plane)]++;
    } else if (focusPoints && focusPoints.ndim === 3) {
      for (let i = 0; i < focusPoints.coordinates.length; i += 3) {
        const z = Math.round(focusPoints.coordinates[i]);
        if (z >= 0 && z < depth) counts[z]++;
      }
    }
    let best = Math.floor(depth / 2);
    for (let z = 0; z < depth; z++) if (counts[z] > counts[best]) best = z;
    window.plane = best;
  }
  return window;
}

/** The window of a label image (`[y, x]` / `[z, y, x]`, one value per pixel) as a flat row-major array. */
export function labelsInWindow(labels: NdArray, window: ReportWindow): number[] | Uint32Array {
  const [h, w] = labels.shape.slice(-2);
  const base = window.plane !== undefined ? window.plane * h * w : 0;
  const out = new Uint32Array(window.height * window.width);
  for (let y = 0; y < window.height; y++) {
    for (let x = 0; x < window.width; x++) {
      out[y * window.width + x] = Number(labels.data[base + (window.y0 + y) * w + window.x0 + x]);
    }
  }
  return out;
}

/** Values of an image in a window, channels interleaved, before they are scaled to 8 bits. */
export interface WindowValues {
  values: Float64Array;
  /** 1 (grey) or 3 (RGB: the first three channels). */
  channels: 1 | 3;
}

/** The range stretched to 0..255: values at or below `lo` are black, at or above `hi` white. */
export interface IntensityRange {
  lo: number;
  hi: number;
}

/**
 * The values of an image in the window: grey (1 channel) or RGB (the first three channels), from
 * channels last (`[y, x, c]` / `[z, y, x, c]` as `toModelLayout` gives it). A one-channel image may
 * come without its channel axis (`[y, x]` / `[z, y, x]`, the spatial shape): `ndim` tells.
 */
export function windowValues(image: NdArray, window: ReportWindow, ndim = image.shape.length - 1): WindowValues {
  const c = image.shape.length === ndim ? 1 : image.shape[image.shape.length - 1];
  const [h, w] = image.shape.slice(ndim - 2, ndim);
  const shown = c >= 3 ? 3 : 1;
  const base = window.plane !== undefined ? window.plane * h * w * c : 0;
  const values = new Float64Array(window.height * window.width * shown);
  for (let y = 0; y < window.height; y++) {
    for (let x = 0; x < window.width; x++) {
      const at = base + ((window.y0 + y) * w + window.x0 + x) * c;
      for (let k = 0; k < shown; k++) values[(y * window.width + x) * shown + k] = Number(image.data[at + k]);
    }
  }
  return { values, channels: shown as 1 | 3 };
}

/**
 * The 0.5th and 99.5th percentile of all the values given (one picture's, or every picture's of a
 * run when they share one scale; the channels together, so colours keep their balance), robust to a
 * few hot pixels; the minimum and maximum when those percentiles are equal.
 */
export function intensityRange(parts: readonly Float64Array[]): IntensityRange {
  const sorted = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    sorted.set(p, at);
    at += p.length;
  }
  sorted.sort();
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))];
  let lo = pick(LOW_PERCENTILE);
  let hi = pick(HIGH_PERCENTILE);
  if (!(hi > lo)) {
    lo = sorted[0];
    hi = sorted[sorted.length - 1] > lo ? sorted[sorted.length - 1] : lo + 1;
  }
  return { lo, hi };
}

/** Values stretched from `range` to 0..255 (clipped), as uint8. */
export function toBytes({ values, channels }: WindowValues, range: IntensityRange): { pixels: Uint8Array; channels: 1 | 3 } {
  const pixels = new Uint8Array(values.length);
  const span = range.hi - range.lo;
  for (let i = 0; i < values.length; i++) pixels[i] = Math.max(0, Math.min(255, Math.round(((values[i] - range.lo) * 255) / span)));
  return { pixels, channels };
}

/**
 * The input in the window as uint8 grey (1 channel) or RGB (the first three channels), channels
 * last (`[y, x, c]` / `[z, y, x, c]` as `toModelLayout` gives it). Values between the 0.5th and
 * 99.5th percentile of the window (over the channels shown, so colours keep their balance) are
 * stretched to 0..255; the report does no contrast stretching of its own.
 */
export function inputInWindow(input: NdArray, window: ReportWindow): { pixels: Uint8Array; channels: 1 | 3 } {
  const shown = windowValues(input, window);
  return toBytes(shown, intensityRange([shown.values]));
}

/**
 * Points inside the window, as report points (`[row, column]` relative to it), with the index each
 * had in `points` (to carry matches over). A 3D point is kept when it rounds to the window's plane.
 */
export function pointsInWindow(points: PointList, window: ReportWindow): { points: ReportPoint[]; index: number[] } {
  const { ndim, coordinates } = points;
  const out: ReportPoint[] = [];
  const index: number[] = [];
  for (let i = 0; i * ndim < coordinates.length; i++) {
    const p = coordinates.subarray(i * ndim, (i + 1) * ndim);
    if (ndim === 3 && window.plane !== undefined && Math.round(p[0]) !== window.plane) continue;
    const y = p[ndim - 2] - window.y0;
    const x = p[ndim - 1] - window.x0;
    if (Math.round(y) < 0 || Math.round(y) >= window.height || Math.round(x) < 0 || Math.round(x) >= window.width) continue;
    out.push([y, x]);
    index.push(i);
  }
  return { points: out, index };
}
