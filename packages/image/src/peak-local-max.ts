import type { NdArray } from './types';
import { ImageError } from './image-error';
import { asZyx, checkImage, checkNumber, optionsObject } from './checks';

export interface PeakLocalMaxOptions {
  /** Peaks are at least this far apart (Chebyshev distance ≥ minDistance) and local maxima of a (2·minDistance+1) box. Default 1. */
  minDistance?: number;
  /** Only values strictly above this count. Default: the image minimum. */
  thresholdAbs?: number;
  /** Also require value > thresholdRel · max(image). */
  thresholdRel?: number;
  /** Ignore peaks within this many voxels of the border: true = minDistance (default), false = 0, or a number. */
  excludeBorder?: boolean | number;
  /** Keep at most this many peaks (the highest). */
  numPeaks?: number;
}

/**
 * Local maxima, as scikit-image 0.19's `feature.peak_local_max(image, min_distance, threshold_abs,
 * threshold_rel, exclude_border, num_peaks)` without labels: voxels equal to the maximum of their
 * box neighbourhood (zero beyond the border), above the threshold, then taken from the highest down and
 * dropped when closer than `minDistance` (Chebyshev) to one already kept. Equal values are taken in
 * raster order. A constant image has no peak. Returns `[[y, x], ...]` or `[[z, y, x], ...]`, highest first.
 */
export function peakLocalMax(image: NdArray, options: PeakLocalMaxOptions = {}): number[][] {
  const fn = 'peakLocalMax';
  checkImage(fn, 'image', image);
  const opts = optionsObject<PeakLocalMaxOptions>(fn, options);
  const minDistance = checkNumber(fn, 'minDistance', opts.minDistance ?? 1, { min: 0, integer: true });
  const ndim = image.shape.length;
  const data = image.data;
  const n = data.length;
  if (n === 0) return [];
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (v !== v) throw new ImageError(`${fn}(): image holds NaN at flat index ${i}`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let threshold = opts.thresholdAbs === undefined || opts.thresholdAbs === null ? min : checkNumber(fn, 'thresholdAbs', opts.thresholdAbs);
  if (opts.thresholdRel !== undefined && opts.thresholdRel !== null) {
    threshold = Math.max(threshold, checkNumber(fn, 'thresholdRel', opts.thresholdRel) * max);
  }
  const eb = opts.excludeBorder ?? true;
  let border: number;
  if (typeof eb === 'boolean') border = eb ? minDistance : 0;
  else border = checkNumber(fn, 'excludeBorder', eb, { min: 0, integer: true });
  const numPeaks = opts.numPeaks === undefined || opts.numPeaks === null ? Infinity : checkNumber(fn, 'numPeaks', opts.numPeaks, { min: 0, integer: true });

  const [Z, Y, X] = asZyx(image.shape);
  const candidates: number[] = [];
  if (minDistance === 0 || n === 1) {
    for (let i = 0; i < n; i++) if (data[i] > threshold) candidates.push(i);
  } else {
    const filtered = boxMaximum(data, Z, Y, X, minDistance, ndim);
    let trivial = true;
    for (let i = 0; i < n; i++) {
      if (data[i] !== filtered[i]) {
        trivial = false;
        break;
      }
    }
    if (!trivial) for (let i = 0; i < n; i++) if (data[i] === filtered[i] && data[i] > threshold) candidates.push(i);
  }
  const kept = border > 0 ? candidates.filter((i) => !nearBorder(i, Z, Y, X, border, ndim)) : candidates;
  // Highest first; equal values keep raster order (stable sort).
  kept.sort((a, b) => data[b] - data[a]);

  const coords = (i: number): number[] => {
    const x = i % X;
    const y = Math.floor(i / X) % Y;
    const z = Math.floor(i / (X * Y));
    return ndim === 3 ? [z, y, x] : [y, x];
  };
  const peaks: number[][] = [];
  if (minDistance === 0) {
    for (const i of kept) {
      if (peaks.length >= numPeaks) break;
      peaks.push(coords(i));
    }
    return peaks;
  }
  // Greedy spacing on a grid of cells minDistance wide: only the 3^ndim cells around a peak can hold
  // a kept peak closer than minDistance.
  const cell = minDistance;
  const grid = new Map<number, number[][]>();
  const cy = Math.ceil(Y / cell) + 1;
  const cx = Math.ceil(X / cell) + 1;
  const key = (c: number[]) => (ndim === 3 ? (c[0] * cy + c[1]) * cx + c[2] : c[0] * cx + c[1]);
  for (const i of kept) {
    if (peaks.length >= numPeaks) break;
    const p = coords(i);
    const cellOf = p.map((v) => Math.floor(v / cell));
    let close = false;
    const dz = ndim === 3 ? [-1, 0, 1] : [0];
    search: for (const a of dz) {
      for (const b of [-1, 0, 1]) {
        for (const c of [-1, 0, 1]) {
          const nc = ndim === 3 ? [cellOf[0] + a, cellOf[1] + b, cellOf[2] + c] : [cellOf[0] + b, cellOf[1] + c];
          if (nc.some((v) => v < 0)) continue;
          const bucket = grid.get(key(nc));
          if (!bucket) continue;
          for (const q of bucket) {
            let d = 0;
            for (let k = 0; k < ndim; k++) d = Math.max(d, Math.abs(q[k] - p[k]));
            if (d < minDistance) {
              close = true;
              break search;
            }
          }
        }
      }
    }
    if (close) continue;
    peaks.push(p);
    const k = key(cellOf);
    const bucket = grid.get(k);
    if (bucket) bucket.push(p);
    else grid.set(k, [p]);
  }
  return peaks;
}

function nearBorder(i: number, Z: number, Y: number, X: number, w: number, ndim: number): boolean {
  const x = i % X;
  const y = Math.floor(i / X) % Y;
  if (x < w || x >= X - w || y < w || y >= Y - w) return true;
  if (ndim === 3) {
    const z = Math.floor(i / (X * Y));
    if (z < w || z >= Z - w) return true;
  }
  return false;
}

/** Maximum over a (2r+1)^ndim box with 0 beyond the border (scipy's maximum_filter, mode='constant'). */
function boxMaximum(data: ArrayLike<number>, Z: number, Y: number, X: number, r: number, ndim: number): Float64Array {
  let a = Float64Array.from(data);
  let b = new Float64Array(a.length);
  const axes: [number, number][] = [
    [X, 1],
    [Y, X],
  ];
  if (ndim === 3) axes.push([Z, X * Y]);
  for (const [L, stride] of axes) {
    const lines = a.length / L;
    for (let line = 0; line < lines; line++) {
      // Line start: decompose `line` into the indices of the other axes.
      const outer = Math.floor(line / stride);
      const inner = line % stride;
      const base = outer * L * stride + inner;
      for (let i = 0; i < L; i++) {
        let m = -Infinity;
        const lo = i - r;
        const hi = i + r;
        if (lo < 0 || hi >= L) m = 0;
        for (let j = Math.max(0, lo), e = Math.min(L - 1, hi); j <= e; j++) {
          const v = a[base + j * stride];
          if (v > m) m = v;
        }
        b[base + i * stride] = m;
      }
    }
    const t = a;
    a = b;
    b = t;
  }
  return a;
}
