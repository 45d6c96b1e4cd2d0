import type { NdArray } from '../types';
import type { RandomGenerator as Rng } from '../random/random-source';
import { gaussianBlurYX } from './gaussian';
import { volumeShape } from './volume';

/**
 * Intensity augmentations of a float image (the label never changes). They work relative to the
 * sample's own intensity range, so they mean the same after any normalization (div, z-score,
 * percentile). Each returns a new array.
 */

function range(data: Float32Array): { lo: number; hi: number; span: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo;
  return { lo, hi, span: span > 0 && Number.isFinite(span) ? span : 0 };
}

/** `lo + span · t^gamma` with t the value scaled to [0, 1] over the sample's range. */
export function adjustGamma(image: NdArray<Float32Array>, gamma: number): NdArray<Float32Array> {
  const { lo, span } = range(image.data);
  const out = Float32Array.from(image.data);
  if (span === 0) return { data: out, shape: [...image.shape] };
  for (let i = 0; i < out.length; i++) out[i] = lo + span * Math.pow((out[i] - lo) / span, gamma);
  return { data: out, shape: [...image.shape] };
}

/** Add `fraction` of the sample's intensity range. */
export function adjustBrightness(image: NdArray<Float32Array>, fraction: number): NdArray<Float32Array> {
  const { span } = range(image.data);
  const delta = fraction * (span || 1);
  return { data: image.data.map((v) => v + delta), shape: [...image.shape] };
}

/** Scale deviations from the mean by `factor`. */
export function adjustContrast(image: NdArray<Float32Array>, factor: number): NdArray<Float32Array> {
  let mean = 0;
  for (let i = 0; i < image.data.length; i++) mean += image.data[i];
  mean /= image.data.length || 1;
  return { data: image.data.map((v) => mean + (v - mean) * factor), shape: [...image.shape] };
}

export function blur(image: NdArray<Float32Array>, ndim: 2 | 3, sigma: number): NdArray<Float32Array> {
  return { data: gaussianBlurYX(image.data, volumeShape(image, ndim), sigma), shape: [...image.shape] };
}

/** Additive Gaussian noise with standard deviation `fraction` of the sample's range. */
export function gaussianNoise(image: NdArray<Float32Array>, fraction: number, rng: Rng): NdArray<Float32Array> {
  const { span } = range(image.data);
  const std = fraction * (span || 1);
  const out = Float32Array.from(image.data);
  for (let i = 0; i < out.length; i++) out[i] += std * rng.normal();
  return { data: out, shape: [...image.shape] };
}

/** Shot noise: the sample's range becomes 0..peak photons, each value is redrawn from Poisson, then scaled back. */
export function poissonNoise(image: NdArray<Float32Array>, peak: number, rng: Rng): NdArray<Float32Array> {
  const { lo, span } = range(image.data);
  const out = Float32Array.from(image.data);
  if (span === 0) return { data: out, shape: [...image.shape] };
  for (let i = 0; i < out.length; i++) out[i] = lo + (rng.poisson(((out[i] - lo) / span) * peak) / peak) * span;
  return { data: out, shape: [...image.shape] };
}

/** A box in volume coordinates `[z0, y0, x0]` to `[z1, y1, x1]` (exclusive). */
export interface Box {
  from: [number, number, number];
  to: [number, number, number];
}

/** Random boxes whose sides are `size` fractions of each axis (z too for volumes). */
export function randomBoxes(Z: number, Y: number, X: number, count: number, size: [number, number], rng: Rng): Box[] {
  const boxes: Box[] = [];
  for (let b = 0; b < count; b++) {
    const f = rng.uniform(size[0], size[1]);
    const ext = [Z, Y, X].map((n) => (n === 1 ? 1 : Math.max(1, Math.round(f * n))));
    const from = [Z, Y, X].map((n, d) => rng.int(Math.max(1, n - ext[d] + 1))) as [number, number, number];
    boxes.push({ from, to: [from[0] + ext[0], from[1] + ext[1], from[2] + ext[2]] });
  }
  return boxes;
}

/** Set every value inside the boxes to `fill`, in place. */
export function fillBoxes(array: NdArray, ndim: 2 | 3, boxes: readonly Box[], fill: number): void {
  const { Y, X, inner } = volumeShape(array, ndim);
  for (const { from, to } of boxes) {
    for (let z = from[0]; z < to[0]; z++)
      for (let y = from[1]; y < to[1]; y++) {
        const start = ((z * Y + y) * X + from[2]) * inner;
        array.data.fill(fill, start, start + (to[2] - from[2]) * inner);
      }
  }
}
