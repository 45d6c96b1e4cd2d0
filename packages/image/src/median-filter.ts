import type { NdArray, TypedArray } from './types';
import { ImageError } from './image-error';
import { asZyx, checkImage, optionsObject } from './checks';
import { allocateLike } from './ndarray';

export const MEDIAN_MODES = ['reflect', 'nearest', 'mirror', 'wrap', 'constant'] as const;
export type MedianMode = (typeof MEDIAN_MODES)[number];

export interface MedianFilterOptions {
  /** Window size: one number for every axis, or one per axis ([k,1,1] filters along z only). Default 3. */
  size?: number | number[];
  /**
   * How the window sees past the border, as scipy: `reflect` (default) repeats the edge sample
   * (d c b a | a b c d), `mirror` does not (d c b | a b c d), `nearest` extends the edge value,
   * `wrap` wraps around, `constant` pads with `cval`.
   */
  mode?: MedianMode;
  /** Padding value for `mode: 'constant'` (default 0). */
  cval?: number;
}

/**
 * Median filter with a box window, as scipy's `ndimage.median_filter(image, size, mode=mode)`:
 * the window of size k covers offsets -floor(k/2) .. k-1-floor(k/2), and for an even number of values
 * the upper median is taken. The result has the input's type.
 */
export function medianFilter<T extends TypedArray>(image: NdArray<T>, options: MedianFilterOptions = {}): NdArray<T> {
  const fn = 'medianFilter';
  checkImage(fn, 'image', image);
  const opts = optionsObject<MedianFilterOptions>(fn, options);
  const ndim = image.shape.length;
  const sizeOpt = opts.size ?? 3;
  const size = typeof sizeOpt === 'number' ? new Array<number>(ndim).fill(sizeOpt) : sizeOpt;
  if (!Array.isArray(size) || size.length !== ndim || size.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new ImageError(`${fn}(): size must be a positive integer or ${ndim} of them (one per axis), got ${JSON.stringify(sizeOpt)}`);
  }
  const mode = opts.mode ?? 'reflect';
  if (!MEDIAN_MODES.includes(mode)) {
    throw new ImageError(`${fn}(): mode must be one of ${MEDIAN_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  const cval = opts.cval ?? 0;
  if (typeof cval !== 'number' || !Number.isFinite(cval)) throw new ImageError(`${fn}(): cval must be a finite number, got ${JSON.stringify(cval)}`);

  const dims = asZyx(image.shape);
  const [kz, ky, kx] = ndim === 3 ? size : [1, size[0], size[1]];
  const ks = [kz, ky, kx];
  // Per axis: for output coordinate i, the source coordinates of its window (-1 = the padding value).
  const tables = dims.map((L, a) => windowTable(L, ks[a], mode));
  const [Z, Y, X] = dims;
  const [tz, ty, tx] = tables;
  const src = image.data;
  const out = allocateLike(src, src.length);
  const window = new Float64Array(kz * ky * kx);
  const rank = Math.floor(window.length / 2);
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        let w = 0;
        for (let a = 0; a < kz; a++) {
          const sz = tz[z * kz + a];
          for (let b = 0; b < ky; b++) {
            const sy = ty[y * ky + b];
            for (let c = 0; c < kx; c++) {
              const sx = tx[x * kx + c];
              window[w++] = sz < 0 || sy < 0 || sx < 0 ? cval : src[(sz * Y + sy) * X + sx];
            }
          }
        }
        out[(z * Y + y) * X + x] = select(window, rank);
      }
    }
  }
  return { data: out, shape: [...image.shape] };
}

function windowTable(length: number, k: number, mode: MedianMode): Int32Array {
  const table = new Int32Array(length * k);
  const before = Math.floor(k / 2);
  for (let i = 0; i < length; i++) {
    for (let j = 0; j < k; j++) table[i * k + j] = mapCoordinate(i - before + j, length, mode);
  }
  return table;
}

function mapCoordinate(i: number, L: number, mode: MedianMode): number {
  if (i >= 0 && i < L) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'nearest':
      return i < 0 ? 0 : L - 1;
    case 'wrap':
      return ((i % L) + L) % L;
    case 'reflect': {
      const m = ((i % (2 * L)) + 2 * L) % (2 * L);
      return m < L ? m : 2 * L - 1 - m;
    }
    case 'mirror': {
      if (L === 1) return 0;
      const p = 2 * L - 2;
      const m = ((i % p) + p) % p;
      return m < L ? m : p - m;
    }
  }
}

/** k-th smallest of `a` (Hoare quickselect; reorders `a`). */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}
