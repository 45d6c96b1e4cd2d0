import { BioimageioError } from '../errors';
import { elementCount, stridesOf } from '../ndarray';
import { quote } from '../printable';

/**
 * Reductions "over axes" as the spec defines them for normalization: the axes listed are reduced
 * jointly, every combination of the remaining (kept) axes is one group with its own statistic.
 * No `axes` means all axes, batch included: one group.
 */
export interface Groups {
  /** Kept axes, in the reduced tensor's order, with their sizes. */
  keptIds: string[];
  keptSizes: number[];
  count: number;
}

export function groupsOf(shape: readonly number[], axes: readonly string[], reduce: readonly string[] | null, field?: string): Groups {
  if (reduce) {
    for (const a of reduce) {
      if (!axes.includes(a)) throw new BioimageioError(`axis ${quote(a)} is not an axis of this tensor (${axes.join(', ')})`, { field });
    }
  }
  const keptIds: string[] = [];
  const keptSizes: number[] = [];
  axes.forEach((id, i) => {
    if (reduce && !reduce.includes(id)) {
      keptIds.push(id);
      keptSizes.push(shape[i]);
    }
  });
  return { keptIds, keptSizes, count: elementCount(keptSizes) };
}

/**
 * The group of every element of a tensor with `shape` / `axes` (which may be another tensor than
 * the one reduced: a statistic of a reference tensor applied to this one). A kept axis of size 1
 * broadcasts; any other kept axis must be in this tensor with the same size. Null: one group.
 */
export function groupIndex(shape: readonly number[], axes: readonly string[], groups: Groups, field?: string): Uint32Array | null {
  if (groups.count === 1 && groups.keptSizes.every((s) => s === 1)) return null;
  const groupStrides = stridesOf(groups.keptSizes);
  // Each of this tensor's axes advances the group id by its stride in the group layout (0 if not kept).
  const step = axes.map(() => 0);
  groups.keptIds.forEach((id, k) => {
    const a = axes.indexOf(id);
    if (a < 0) {
      if (groups.keptSizes[k] !== 1) throw new BioimageioError(`statistics per ${quote(id)} cannot apply to a tensor without axis ${quote(id)} (${axes.join(', ')})`, { field });
      return;
    }
    if (shape[a] !== groups.keptSizes[k]) {
      if (groups.keptSizes[k] === 1) return;
      throw new BioimageioError(`statistics per ${quote(id)} (${groups.keptSizes[k]}) do not match this tensor's ${quote(id)} size ${shape[a]}`, { field });
    }
    step[a] = groupStrides[k];
  });
  const n = elementCount(shape);
  const ids = new Uint32Array(n);
  const index = new Array<number>(shape.length).fill(0);
  let g = 0;
  for (let i = 0; i < n; i++) {
    ids[i] = g;
    // odometer over the multi-index, updating the group id incrementally
    for (let a = shape.length - 1; a >= 0; a--) {
      index[a]++;
      g += step[a];
      if (index[a] < shape[a]) break;
      g -= step[a] * shape[a];
      index[a] = 0;
    }
  }
  return ids;
}

/** Mean and population standard deviation (ddof 0, as numpy and bioimageio.core) of each group, in float64. */
export function meanStd(values: Float64Array, ids: Uint32Array | null, count: number): { mean: Float64Array; std: Float64Array } {
  const sum = new Float64Array(count);
  const n = new Float64Array(count);
  for (let i = 0; i < values.length; i++) {
    const g = ids ? ids[i] : 0;
    sum[g] += values[i];
    n[g]++;
  }
  const mean = sum.map((s, g) => s / n[g]);
  // Two passes (deviations from the mean) rather than E[x²]-E[x]²: no cancellation on bright images.
  const sq = new Float64Array(count);
  for (let i = 0; i < values.length; i++) {
    const g = ids ? ids[i] : 0;
    const d = values[i] - mean[g];
    sq[g] += d * d;
  }
  return { mean, std: sq.map((s, g) => Math.sqrt(s / n[g])) };
}

export type QuantileMethod = 'linear' | 'inverted_cdf';

/**
 * Quantiles `qs` (0..1) of each group: numpy's `linear` method (its default; bioimageio.core's for
 * `scale_range`) or `inverted_cdf` (bioimageio.core's for `clip` percentiles). Result: [q][group].
 */
export function quantiles(values: Float64Array, ids: Uint32Array | null, count: number, qs: readonly number[], method: QuantileMethod): Float64Array[] {
  const sizes = new Uint32Array(count);
  for (let i = 0; i < values.length; i++) sizes[ids ? ids[i] : 0]++;
  const start = new Uint32Array(count + 1);
  for (let g = 0; g < count; g++) start[g + 1] = start[g] + sizes[g];
  const sorted = new Float64Array(values.length);
  const fill = start.slice(0, count);
  for (let i = 0; i < values.length; i++) sorted[fill[ids ? ids[i] : 0]++] = values[i];
  const out = qs.map(() => new Float64Array(count));
  for (let g = 0; g < count; g++) {
    const seg = sorted.subarray(start[g], start[g + 1]).sort();
    const m = seg.length;
    qs.forEach((q, k) => {
      if (m === 0) {
        out[k][g] = NaN;
      } else if (method === 'inverted_cdf') {
        // Hyndman & Fan type 1: the smallest value whose empirical CDF reaches q.
        out[k][g] = seg[Math.min(m - 1, Math.max(0, Math.ceil(m * q) - 1))];
      } else {
        const pos = q * (m - 1);
        const lo = Math.floor(pos);
        const hi = Math.min(m - 1, lo + 1);
        out[k][g] = seg[lo] + (seg[hi] - seg[lo]) * (pos - lo);
      }
    });
  }
  return out;
}
