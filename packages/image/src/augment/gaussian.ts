import { reflectIndex } from '../ndarray';
import type { VolumeShape } from './volume';

/** Normalized Gaussian kernel of radius ⌈3σ⌉ (at least 1 tap). */
export function gaussianKernel(sigma: number): Float32Array {
  if (!(sigma > 0)) return Float32Array.of(1);
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    k[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/**
 * Convolve a float volume along y (`axis` 1) or x (`axis` 2) with a symmetric kernel, numpy-reflect
 * at the borders (like scipy.ndimage's `mirror` mode). Returns a new array.
 */
export function convolveAxis(data: Float32Array, v: VolumeShape, axis: 1 | 2, kernel: Float32Array): Float32Array {
  const out = new Float32Array(data.length);
  const radius = (kernel.length - 1) / 2;
  const { Z, Y, X, inner } = v;
  const n = axis === 1 ? Y : X;
  const stride = axis === 1 ? X * inner : inner;
  // Neighbour offsets for each position along the axis, reflected once.
  const taps = new Int32Array(n * kernel.length);
  for (let i = 0; i < n; i++) for (let t = 0; t < kernel.length; t++) taps[i * kernel.length + t] = reflectIndex(i + t - radius, n) * stride;
  for (let z = 0; z < Z; z++) {
    for (let a = 0; a < (axis === 1 ? X : Y); a++) {
      const lineBase = z * Y * X * inner + (axis === 1 ? a * inner : a * X * inner);
      for (let i = 0; i < n; i++) {
        const tapBase = i * kernel.length;
        const o = lineBase + i * stride;
        for (let c = 0; c < inner; c++) {
          let s = 0;
          for (let t = 0; t < kernel.length; t++) s += kernel[t] * data[lineBase + taps[tapBase + t] + c];
          out[o + c] = s;
        }
      }
    }
  }
  return out;
}

/** Gaussian blur in the y-x plane of every z plane and channel. */
export function gaussianBlurYX(data: Float32Array, v: VolumeShape, sigma: number): Float32Array {
  if (!(sigma > 0)) return Float32Array.from(data);
  const k = gaussianKernel(sigma);
  return convolveAxis(convolveAxis(data, v, 1, k), v, 2, k);
}
