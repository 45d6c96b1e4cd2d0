import type { NdArray } from '@biaflow/core';

/** Peak signal-to-noise ratio in dB: 10·log10(range² / MSE), as scikit-image's `peak_signal_noise_ratio`. */
export function psnr(truth: NdArray, test: NdArray, dataRange: number): number {
  let sum = 0;
  const n = truth.data.length;
  for (let i = 0; i < n; i++) {
    const d = Number(truth.data[i]) - Number(test.data[i]);
    sum += d * d;
  }
  const mse = sum / n;
  return 10 * Math.log10((dataRange * dataRange) / mse);
}

/** Mean over each window of `size` voxels per axis, at every position where the window fits ("valid"), in float64. */
function windowMeans(data: Float64Array, shape: readonly number[], size: number): { data: Float64Array; shape: number[] } {
  let current = data;
  let dims = [...shape];
  // Separable: a running sum along each axis in turn, keeping only full windows.
  for (let axis = 0; axis < dims.length; axis++) {
    const outDims = dims.map((n, d) => (d === axis ? n - size + 1 : n));
    const out = new Float64Array(outDims.reduce((a, v) => a * v, 1));
    const inner = dims.slice(axis + 1).reduce((a, v) => a * v, 1);
    const outer = dims.slice(0, axis).reduce((a, v) => a * v, 1);
    const n = dims[axis];
    const m = outDims[axis];
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * n * inner + i;
        const outBase = o * m * inner + i;
        let sum = 0;
        for (let k = 0; k < size; k++) sum += current[base + k * inner];
        out[outBase] = sum / size;
        for (let k = 1; k < m; k++) {
          sum += current[base + (k + size - 1) * inner] - current[base + (k - 1) * inner];
          out[outBase + k * inner] = sum / size;
        }
      }
    }
    current = out;
    dims = outDims;
  }
  return { data: current, shape: dims };
}

/**
 * Mean structural similarity, as scikit-image's `structural_similarity` with its defaults: a 7-wide
 * uniform window per axis, K1 = 0.01, K2 = 0.03, sample covariances (N / (N − 1)), and the mean of
 * the SSIM map over the positions whose window lies inside the image (skimage crops (7 − 1) / 2 from
 * each border, which is exactly those). 2D or 3D, one channel.
 */
export function ssim(truth: NdArray, test: NdArray, dataRange: number, winSize = 7): number {
  const shape = truth.shape;
  if (shape.some((n) => n < winSize)) throw new RangeError(`ssim: the image ${shape.join('×')} is smaller than the ${winSize}-wide window`);
  const n = truth.data.length;
  const x = Float64Array.from(truth.data as ArrayLike<number>);
  const y = Float64Array.from(test.data as ArrayLike<number>);
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const ux = windowMeans(x, shape, winSize).data;
  const uy = windowMeans(y, shape, winSize).data;
  const uxx = windowMeans(xx, shape, winSize).data;
  const uyy = windowMeans(yy, shape, winSize).data;
  const uxy = windowMeans(xy, shape, winSize).data;
  const np = winSize ** shape.length;
  const covNorm = np / (np - 1);
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  let total = 0;
  for (let i = 0; i < ux.length; i++) {
    const vx = covNorm * (uxx[i] - ux[i] * ux[i]);
    const vy = covNorm * (uyy[i] - uy[i] * uy[i]);
    const vxy = covNorm * (uxy[i] - ux[i] * uy[i]);
    total += ((2 * ux[i] * uy[i] + c1) * (2 * vxy + c2)) / ((ux[i] * ux[i] + uy[i] * uy[i] + c1) * (vx + vy + c2));
  }
  return total / ux.length;
}

/** max − min of an image (the data range PSNR and SSIM use when none is given). */
export function rangeOf(image: NdArray): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < image.data.length; i++) {
    const v = image.data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi - lo;
}
