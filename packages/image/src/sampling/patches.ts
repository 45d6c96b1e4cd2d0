import type { NdArray } from '../types';
import { sizeOf, stridesOf } from '../ndarray';
import type { RandomGenerator as Rng } from '../random/random-source';

/**
 * Where training patches come from. A patch may start before 0 or end past the border when the
 * image is smaller than the patch: the missing part is read with numpy-reflect indices
 * (`extractBox`), as BiaPy pads small images.
 */

/** Range of valid origins along an axis of length `n` for a patch of `p`. */
function originRange(n: number, p: number): [number, number] {
  // A smaller image sits at a random place inside the patch; reflection fills the rest.
  return n >= p ? [0, n - p] : [n - p, 0];
}

/** A uniformly random patch origin. */
export function randomPatchOrigin(spatial: readonly number[], patch: readonly number[], rng: Rng): number[] {
  return spatial.map((n, d) => {
    const [lo, hi] = originRange(n, patch[d]);
    return rng.intBetween(lo, hi);
  });
}

/**
 * A random patch that contains the voxel at flat spatial index `at` (uniform over the patch
 * positions that contain it, kept inside the valid origin range).
 */
export function patchOriginAround(spatial: readonly number[], patch: readonly number[], at: number, rng: Rng): number[] {
  const strides = stridesOf(spatial);
  return spatial.map((n, d) => {
    const c = Math.floor(at / strides[d]) % n;
    const [lo, hi] = originRange(n, patch[d]);
    const from = Math.max(lo, c - patch[d] + 1);
    const to = Math.min(hi, c);
    return from <= to ? rng.intBetween(from, to) : Math.min(hi, Math.max(lo, c));
  });
}

/** Flat spatial indices where the label (any channel) is non-zero. */
export function foregroundIndices(label: NdArray, ndim: number): Uint32Array {
  const pixels = sizeOf(label.shape.slice(0, ndim));
  const inner = label.data.length / pixels;
  const d = label.data;
  let count = 0;
  const hits = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < inner; c++) {
      if (d[p * inner + c] !== 0) {
        hits[p] = 1;
        count++;
        break;
      }
    }
  }
  const out = new Uint32Array(count);
  for (let p = 0, k = 0; p < pixels; p++) if (hits[p]) out[k++] = p;
  return out;
}

/**
 * Choose a training patch origin: with probability `foregroundProbability` a patch over a random
 * foreground voxel (when there is any), otherwise uniformly at random.
 */
export function samplePatchOrigin(
  spatial: readonly number[],
  patch: readonly number[],
  rng: Rng,
  foregroundProbability = 0,
  foreground?: () => Uint32Array,
): number[] {
  if (foregroundProbability > 0 && foreground && rng.chance(foregroundProbability)) {
    const fg = foreground();
    if (fg.length > 0) return patchOriginAround(spatial, patch, fg[rng.int(fg.length)], rng);
  }
  return randomPatchOrigin(spatial, patch, rng);
}
