import type { TypedArray } from './types';
import { isIntegerArray } from './checks';

/** Integer ranges up to this size use `value - min` as the rank directly. */
const DIRECT_RANGE = 1 << 22;

/**
 * Dense ranks of the distinct values an image takes on a set of voxels: for each considered voxel,
 * `ranks[i] = 1 + (position of values[i] among the distinct values, ascending)`; other voxels get 0.
 * A priority queue can then bucket by rank and still order exactly by value. Returns the number of
 * distinct values.
 *
 * Integer images rank by offset from the minimum. Float images go through a hash table that gives each
 * distinct value an id on first sight (float32 images hashed on their bit patterns, which is cheap);
 * only the distinct values are sorted, then ids are turned into ranks in one sequential pass.
 * -0 and +0 are one value, as they compare equal. NaN calls `onNaN`.
 *
 * @param within voxels to consider (non-zero entries), or null for all
 * @param ranks output, same length as `values`
 */
export function rankValues(
  values: TypedArray,
  within: ArrayLike<number> | null,
  ranks: Int32Array,
  onNaN: (index: number) => never,
): number {
  const n = values.length;
  if (isIntegerArray(values)) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      if (within && within[i] === 0) continue;
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min === Infinity) return 0;
    if (max - min < DIRECT_RANGE) {
      const offset = 1 - min;
      for (let i = 0; i < n; i++) if (!within || within[i] !== 0) ranks[i] = values[i] + offset;
      return max - min + 1;
    }
  }
  const distinct = values instanceof Float32Array ? idsOfFloat32(values, within, ranks, onNaN) : idsOfNumbers(values, within, ranks, onNaN);
  // ranks[i] holds id + 1 here; ids are in order of first sight, so sort the distinct values and map.
  const sorted = Float64Array.from(distinct).sort();
  const rankOfId = new Int32Array(distinct.length);
  for (let id = 0; id < distinct.length; id++) rankOfId[id] = 1 + lowerBound(sorted, distinct[id]);
  for (let i = 0; i < n; i++) {
    const id = ranks[i];
    if (id !== 0) ranks[i] = rankOfId[id - 1];
  }
  return distinct.length;
}

/** Spread all 32 bits of a key over the low bits used as a table index. */
function mix32(key: number): number {
  let h = key ^ (key >>> 16);
  h = Math.imul(h, 0x45d9f3b);
  return h ^ (h >>> 16);
}

function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Ids (+1) of float32 values, hashed on their bit patterns; returns the distinct values by id. */
function idsOfFloat32(values: Float32Array, within: ArrayLike<number> | null, out: Int32Array, onNaN: (index: number) => never): Float64Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  let capacity = 1024;
  let keys = new Uint32Array(capacity);
  let ids = new Int32Array(capacity).fill(-1);
  let distinct = new Uint32Array(256);
  let count = 0;
  for (let i = 0, n = values.length; i < n; i++) {
    if (within && within[i] === 0) continue;
    let key = bits[i];
    if (key === 0x80000000) key = 0; // -0 is +0
    else if ((key & 0x7f800000) === 0x7f800000 && (key & 0x007fffff) !== 0) onNaN(i);
    let s = mix32(key) & (capacity - 1);
    for (;;) {
      const id = ids[s];
      if (id < 0) {
        ids[s] = count;
        keys[s] = key;
        if (count === distinct.length) {
          const grown = new Uint32Array(count * 2);
          grown.set(distinct);
          distinct = grown;
        }
        distinct[count++] = key;
        out[i] = count;
        if (count * 2 > capacity) {
          // Rehash: ids stay as they are, so ids already written to `out` remain valid.
          capacity *= 2;
          keys = new Uint32Array(capacity);
          ids = new Int32Array(capacity).fill(-1);
          for (let d = 0; d < count; d++) {
            const k = distinct[d];
            let t = mix32(k) & (capacity - 1);
            while (ids[t] >= 0) t = (t + 1) & (capacity - 1);
            ids[t] = d;
            keys[t] = k;
          }
        }
        break;
      }
      if (keys[s] === key) {
        out[i] = id + 1;
        break;
      }
      s = (s + 1) & (capacity - 1);
    }
  }
  return Float64Array.from(new Float32Array(distinct.buffer, 0, count));
}

/** Ids (+1) of values of any other type, hashed as float64; returns the distinct values by id. */
function idsOfNumbers(values: TypedArray, within: ArrayLike<number> | null, out: Int32Array, onNaN: (index: number) => never): Float64Array {
  const scratch = new Float64Array(1);
  const words = new Uint32Array(scratch.buffer);
  const hash = (v: number, mask: number) => {
    scratch[0] = v;
    let h = Math.imul(words[0] ^ Math.imul(words[1], 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    return Math.imul(h, 0xc2b2ae35) & mask;
  };
  let capacity = 1024;
  let keys = new Float64Array(capacity);
  let ids = new Int32Array(capacity).fill(-1);
  let distinct = new Float64Array(256);
  let count = 0;
  for (let i = 0, n = values.length; i < n; i++) {
    if (within && within[i] === 0) continue;
    let v = values[i];
    if (v !== v) onNaN(i);
    if (v === 0) v = 0; // -0 is +0
    let s = hash(v, capacity - 1);
    for (;;) {
      const id = ids[s];
      if (id < 0) {
        ids[s] = count;
        keys[s] = v;
        if (count === distinct.length) {
          const grown = new Float64Array(count * 2);
          grown.set(distinct);
          distinct = grown;
        }
        distinct[count++] = v;
        out[i] = count;
        if (count * 2 > capacity) {
          capacity *= 2;
          keys = new Float64Array(capacity);
          ids = new Int32Array(capacity).fill(-1);
          for (let d = 0; d < count; d++) {
            let t = hash(distinct[d], capacity - 1);
            while (ids[t] >= 0) t = (t + 1) & (capacity - 1);
            ids[t] = d;
            keys[t] = distinct[d];
          }
        }
        break;
      }
      if (keys[s] === v) {
        out[i] = id + 1;
        break;
      }
      s = (s + 1) & (capacity - 1);
    }
  }
  return distinct.slice(0, count);
}
