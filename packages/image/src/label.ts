import type { NdArray } from './types';
import { asZyx, checkConnectivity, checkImage, optionsObject, type Numeric } from './checks';

export interface LabelOptions {
  /** 1 = faces only; ndim (the default, as scikit-image) = faces, edges and corners. */
  connectivity?: number;
}

/**
 * Connected components (scikit-image's `measure.label` with background 0): voxels join when they
 * touch (per `connectivity`) and hold the same non-zero value, so a 0/1 mask gives its foreground
 * components. Labels are 1..n, numbered in raster order of each object's first voxel.
 *
 * Scanline algorithm: each row is cut into runs of equal value, runs are joined with the
 * overlapping runs of the rows above (union-find on runs, never on voxels), and each component
 * takes the next number when its first run is met. Work is linear in voxels, memory in runs.
 */
export function label(mask: NdArray, options: LabelOptions = {}): NdArray<Int32Array> {
  checkImage('label', 'mask', mask);
  const opts = optionsObject<LabelOptions>('label', options);
  const connectivity = checkConnectivity('label', opts.connectivity, mask.shape.length, mask.shape.length);
  const { labels } = labelRuns(mask.data, mask.shape, connectivity);
  return { data: labels, shape: [...mask.shape] };
}

/** Runs of equal non-zero values, row by row: run i spans [start[i], end[i]) of its row. */
interface RunTable {
  start: Int32Array;
  end: Int32Array;
  /** Value of each run (only kept for images that are not 0/1 masks). */
  value: Float64Array | null;
  /** Runs of row r are rowFirst[r] .. rowFirst[r+1]-1. */
  rowFirst: Int32Array;
  count: number;
}

export function labelRuns(data: Numeric, shape: readonly number[], connectivity: number): { labels: Int32Array; count: number } {
  const [Z, Y, X] = asZyx(shape);
  const labels = new Int32Array(Z * Y * X);
  if (labels.length === 0) return { labels, count: 0 };
  const runs =
    data instanceof Uint8Array && X % 4 === 0 && data.byteOffset % 4 === 0 ? findRunsBytes(data, Z * Y, X) : findRuns(data, Z * Y, X);
  const parent = unionRuns(runs, shape.length, connectivity, Z, Y);
  const count = paintRuns(runs, parent, labels, Z * Y, X);
  return { labels, count };
}

/** Grow a run table's arrays (doubling) so it can hold `needed` runs. */
function reserve(t: RunTable, needed: number): void {
  if (needed <= t.start.length) return;
  const size = Math.max(needed, t.start.length * 2);
  const grow = <T extends Int32Array | Float64Array>(a: T): T => {
    const b = new (a.constructor as new (n: number) => T)(size);
    b.set(a);
    return b;
  };
  t.start = grow(t.start);
  t.end = grow(t.end);
  if (t.value) t.value = grow(t.value);
}

function findRuns(data: Numeric, rows: number, X: number): RunTable {
  const t: RunTable = { start: new Int32Array(4096), end: new Int32Array(4096), value: new Float64Array(4096), rowFirst: new Int32Array(rows + 1), count: 0 };
  let n = 0;
  for (let r = 0; r < rows; r++) {
    t.rowFirst[r] = n;
    const base = r * X;
    let x = 0;
    while (x < X) {
      const v = data[base + x];
      if (v === 0) {
        x++;
        continue;
      }
      let e = x + 1;
      while (e < X && data[base + e] === v) e++;
      if (n === t.start.length) reserve(t, n + 1);
      t.start[n] = x;
      t.end[n] = e;
      t.value![n] = v;
      n++;
      x = e;
    }
  }
  t.rowFirst[rows] = n;
  t.count = n;
  return t;
}

/**
 * findRuns for byte masks with 4-aligned rows: background is skipped four bytes at a time through a
 * 32-bit view, which matters because most of a typical mask is background.
 */
function findRunsBytes(data: Uint8Array, rows: number, X: number): RunTable {
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length >> 2);
  let binary = true;
  const t: RunTable = { start: new Int32Array(4096), end: new Int32Array(4096), value: new Float64Array(4096), rowFirst: new Int32Array(rows + 1), count: 0 };
  let n = 0;
  for (let r = 0; r < rows; r++) {
    t.rowFirst[r] = n;
    const base = r * X;
    const lastWord = (base + X) >> 2;
    let x = 0;
    while (x < X) {
      if ((x & 3) === 0) {
        let q = (base + x) >> 2;
        while (q < lastWord && words[q] === 0) q++;
        x = (q << 2) - base;
        if (x >= X) break;
      }
      const v = data[base + x];
      if (v === 0) {
        x++;
        continue;
      }
      let e = x + 1;
      while (e < X && data[base + e] === v) e++;
      if (n === t.start.length) reserve(t, n + 1);
      t.start[n] = x;
      t.end[n] = e;
      t.value![n] = v;
      if (v !== 1) binary = false;
      n++;
      x = e;
    }
  }
  t.rowFirst[rows] = n;
  t.count = n;
  if (binary) t.value = null;
  return t;
}

/**
 * Join each run with the overlapping runs of the rows above it that touch it under `connectivity`.
 * Returns the union-find parents; every root is the first run of its component in raster order.
 */
function unionRuns(t: RunTable, ndim: number, connectivity: number, Z: number, Y: number): Int32Array {
  // Rows above that can touch the current row: [dz, dy, x-reach]. Offsets with k non-zero
  // components among (dz, dy) need k ≤ connectivity; diagonal reach along x needs k + 1 ≤ connectivity.
  const previous: number[] = [];
  const candidates: [number, number][] = ndim === 3 ? [[0, -1], [-1, -1], [-1, 0], [-1, 1]] : [[0, -1]];
  for (const [dz, dy] of candidates) {
    const k = (dz !== 0 ? 1 : 0) + (dy !== 0 ? 1 : 0);
    if (k <= connectivity) previous.push(dz, dy, k + 1 <= connectivity ? 1 : 0);
  }
  const { start, end, value, rowFirst } = t;
  const parent = new Int32Array(t.count);
  for (let i = 0; i < t.count; i++) parent[i] = i;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      const r = z * Y + y;
      const a0 = rowFirst[r];
      const a1 = rowFirst[r + 1];
      if (a0 === a1) continue;
      for (let p = 0; p < previous.length; p += 3) {
        const zz = z + previous[p];
        const yy = y + previous[p + 1];
        const reach = previous[p + 2];
        if (zz < 0 || yy < 0 || yy >= Y) continue;
        const q = zz * Y + yy;
        let j = rowFirst[q];
        const b1 = rowFirst[q + 1];
        for (let i = a0; i < a1 && j < b1; i++) {
          const s = start[i];
          const e = end[i] + reach;
          while (j < b1 && end[j] + reach <= s) j++;
          for (let k = j; k < b1 && start[k] < e; k++) {
            if (value !== null && value[k] !== value[i]) continue;
            union(parent, i, k);
          }
        }
      }
    }
  }
  return parent;
}

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    const g = parent[parent[i]];
    parent[i] = g;
    i = g;
  }
  return i;
}

/** Link the two roots, the later one under the earlier, so roots stay first in raster order. */
function union(parent: Int32Array, a: number, b: number): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra < rb) parent[rb] = ra;
  else if (rb < ra) parent[ra] = rb;
}

/** Number components in raster order of their first run and paint every run; returns the count. */
function paintRuns(t: RunTable, parent: Int32Array, labels: Int32Array, rows: number, X: number): number {
  const { start, end, rowFirst } = t;
  const runLabel = new Int32Array(t.count);
  let count = 0;
  for (let i = 0; i < t.count; i++) {
    const root = find(parent, i);
    runLabel[i] = root === i ? ++count : runLabel[root];
  }
  for (let r = 0; r < rows; r++) {
    const base = r * X;
    for (let i = rowFirst[r], i1 = rowFirst[r + 1]; i < i1; i++) {
      const l = runLabel[i];
      for (let x = base + start[i], e = base + end[i]; x < e; x++) labels[x] = l;
    }
  }
  return count;
}
