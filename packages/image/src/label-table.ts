import type { IntegerArray } from './checks';

/**
 * The distinct non-zero labels of an image, ascending, with their voxel counts, and a lookup from
 * label value to its position. Label values are arbitrary (sparse values like 10005 are fine): a
 * dense table is used while the largest label is small, a Map otherwise.
 */
export interface LabelTable {
  /** Distinct non-zero labels, ascending. */
  labels: number[];
  /** Voxel count per entry of `labels`. */
  sizes: Float64Array;
  /** Position of a label value in `labels`, -1 for 0 or an absent value. */
  indexOf(value: number): number;
  /** Dense value → position + 1 table (0: absent), when the labels are small enough. */
  dense?: Int32Array;
}

/** Largest label value for which a dense table (4 bytes per value) is used. */
const DENSE_LIMIT = 1 << 24;

export function labelTable(data: IntegerArray): LabelTable {
  let max = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
  if (max <= Math.max(DENSE_LIMIT, 2 * data.length)) {
    const counts = new Float64Array(max + 1);
    for (let i = 0; i < data.length; i++) counts[data[i]]++;
    const labels: number[] = [];
    const dense = new Int32Array(max + 1);
    for (let v = 1; v <= max; v++) {
      if (counts[v] > 0) {
        labels.push(v);
        dense[v] = labels.length;
      }
    }
    const sizes = Float64Array.from(labels, (v) => counts[v]);
    return { labels, sizes, dense, indexOf: (v) => (v > 0 && v <= max ? dense[v] - 1 : -1) };
  }
  const counts = new Map<number, number>();
  let last = -1;
  let run = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v === last) {
      run++;
      continue;
    }
    if (last > 0) counts.set(last, (counts.get(last) ?? 0) + run);
    last = v;
    run = 1;
  }
  if (last > 0) counts.set(last, (counts.get(last) ?? 0) + run);
  const labels = [...counts.keys()].sort((a, b) => a - b);
  const sizes = Float64Array.from(labels, (v) => counts.get(v)!);
  const position = new Map<number, number>(labels.map((v, i) => [v, i]));
  return { labels, sizes, indexOf: (v) => position.get(v) ?? -1 };
}
