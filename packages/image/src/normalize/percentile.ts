import type { TypedArray } from '../types';

/**
 * Percentiles with numpy's default (`linear`) definition: rank `p/100 · (n − 1)`, interpolated
 * between the two neighbouring order statistics.
 *
 * `values` is read with a stride (`offset + k·step`) so one channel of an interleaved
 * channels-last array is measured without copying it out first.
 */
export function percentiles(values: TypedArray, ps: readonly number[], offset = 0, step = 1): number[] {
  const n = Math.floor((values.length - offset + step - 1) / step);
  if (n <= 0) return ps.map(() => NaN);
  if (isSmallInteger(values)) return histogramPercentiles(values, ps, offset, step, n);
  const copy = new Float64Array(n);
  for (let i = 0, j = offset; i < n; i++, j += step) copy[i] = values[j];
  return ps.map((p) => {
    const rank = (clampPercent(p) / 100) * (n - 1);
    const lo = Math.floor(rank);
    const hi = Math.min(n - 1, lo + 1);
    const a = select(copy, lo);
    if (hi === lo || rank === lo) return a;
    // After select(lo), everything right of lo is >= a; the next order statistic is its minimum.
    let b = Infinity;
    for (let i = lo + 1; i < n; i++) if (copy[i] < b) b = copy[i];
    return a + (b - a) * (rank - lo);
  });
}

function clampPercent(p: number): number {
  return Math.min(100, Math.max(0, p));
}

function isSmallInteger(v: TypedArray): boolean {
  return v instanceof Uint8Array || v instanceof Int8Array || v instanceof Uint16Array || v instanceof Int16Array;
}

/** Exact percentiles of 8/16-bit data from a counting histogram: O(n), no copy. */
function histogramPercentiles(values: TypedArray, ps: readonly number[], offset: number, step: number, n: number): number[] {
  const signed = values instanceof Int8Array || values instanceof Int16Array;
  const bits = values instanceof Uint8Array || values instanceof Int8Array ? 8 : 16;
  const base = signed ? -(1 << (bits - 1)) : 0;
  const counts = new Float64Array(1 << bits);
  for (let j = offset; j < values.length; j += step) counts[values[j] - base]++;
  // k-th order statistic (0-based) by walking the cumulative counts.
  const orderStat = (k: number) => {
    let seen = 0;
    for (let v = 0; v < counts.length; v++) {
      seen += counts[v];
      if (seen > k) return v + base;
    }
    return counts.length - 1 + base;
  };
  return ps.map((p) => {
    const rank = (clampPercent(p) / 100) * (n - 1);
    const lo = Math.floor(rank);
    const a = orderStat(lo);
    if (rank === lo) return a;
    const b = orderStat(Math.min(n - 1, lo + 1));
    return a + (b - a) * (rank - lo);
  });
}

/** Hoare quickselect: afterwards `a[k]` is the k-th smallest, smaller values left, larger right. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    // Median of three as pivot keeps sorted or constant input from going quadratic.
    const mid = (lo + hi) >>> 1;
    const pivot = median3(a[lo], a[mid], a[hi]);
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
    else break;
  }
  return a[k];
}

function median3(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}
