import type { TypedArray } from '@biaflow/core';
import { isIntegerArray } from './image';

/**
 * Dense ranks of the distinct values an image takes on a set of voxels: `rankOf(v)` is the position
 * of v among those values in increasing order, so a priority queue can bucket by rank and still order
 * exactly by value. Integer images rank by offset from the minimum; float images through a hash set
 * of their distinct values (-0 and +0 are one value, as they compare equal).
 */
export interface ValueRanks {
  /** Number of distinct ranks (buckets). */
  count: number;
  rankOf(value: number): number;
}

/** Integer ranges up to this size use `value - min` as the rank directly. */
const DIRECT_RANGE = 1 << 22;

/**
 * @param values the image
 * @param within voxels to consider (non-zero entries), or null for all
 * @param onNaN called with the flat index of a NaN value among the considered voxels
 */
export function valueRanks(values: TypedArray, within: ArrayLike<number> | null, onNaN: (index: number) => never): ValueRanks {
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
    if (min === Infinity) return { count: 0, rankOf: () => 0 };
    if (max - min < DIRECT_RANGE) return { count: max - min + 1, rankOf: (v) => v - min };
  }
  const set = new DoubleSet(1024);
  for (let i = 0; i < n; i++) {
    if (within && within[i] === 0) continue;
    const v = values[i];
    if (v !== v) onNaN(i);
    set.add(v === 0 ? 0 : v);
  }
  const distinct = set.values().sort();
  const slotRank = new Int32Array(set.capacity);
  for (let r = 0; r < distinct.length; r++) slotRank[set.slotOf(distinct[r])] = r;
  return { count: distinct.length, rankOf: (v) => slotRank[set.slotOf(v === 0 ? 0 : v)] };
}

/** Open-addressing hash set of doubles (linear probing, power-of-two capacity, load ≤ 1/2). */
class DoubleSet {
  capacity: number;
  size = 0;
  private keys: Float64Array;
  private used: Uint8Array;
  private readonly scratch = new Float64Array(1);
  private readonly words = new Uint32Array(this.scratch.buffer);

  constructor(capacity: number) {
    this.capacity = capacity;
    this.keys = new Float64Array(capacity);
    this.used = new Uint8Array(capacity);
  }

  private hash(v: number): number {
    this.scratch[0] = v;
    let h = Math.imul(this.words[0] ^ Math.imul(this.words[1], 0x9e3779b1), 0x85ebca6b);
    h ^= h >>> 15;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 13;
    return h & (this.capacity - 1);
  }

  add(v: number): void {
    const mask = this.capacity - 1;
    let s = this.hash(v);
    while (this.used[s] === 1) {
      if (this.keys[s] === v) return;
      s = (s + 1) & mask;
    }
    this.used[s] = 1;
    this.keys[s] = v;
    if (++this.size * 2 > this.capacity) this.grow();
  }

  /** Slot holding v (v must be in the set). */
  slotOf(v: number): number {
    const mask = this.capacity - 1;
    let s = this.hash(v);
    while (this.keys[s] !== v || this.used[s] === 0) s = (s + 1) & mask;
    return s;
  }

  values(): Float64Array {
    const out = new Float64Array(this.size);
    for (let s = 0, k = 0; s < this.capacity; s++) if (this.used[s] === 1) out[k++] = this.keys[s];
    return out;
  }

  private grow(): void {
    const old = this.values();
    this.capacity *= 2;
    this.keys = new Float64Array(this.capacity);
    this.used = new Uint8Array(this.capacity);
    this.size = 0;
    for (const v of old) this.add(v);
  }
}
