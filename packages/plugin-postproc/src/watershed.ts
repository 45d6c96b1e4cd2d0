import type { NdArray } from '@biaflow/core';
import { InputError } from '@biaflow/core';
import {
  asZyx,
  checkConnectivity,
  checkImage,
  checkLabelImage,
  checkOptionalMask,
  checkSameShape,
  optionsObject,
} from './image';
import { neighbourOffsets, raveledOffsets } from './neighbourhood';

export interface WatershedOptions {
  /** 1 (default) = faces; up to ndim = corners. */
  connectivity?: number;
}

/**
 * Marker-controlled watershed, flooding `image` from low to high values starting at the non-zero
 * `markers`, restricted to `mask` (null: the whole image). Returns the labels (markers outside the mask
 * are dropped; voxels no marker can reach stay 0).
 *
 * It reproduces scikit-image 0.19's `segmentation.watershed(image, markers, connectivity, mask=mask)`
 * voxel for voxel: the same priority (value, then insertion age; markers all have age 0), the same
 * binary heap (so markers of equal value leave it in the same order), the same neighbour order, and
 * labels given when a voxel is pushed. Values are compared as float64, like skimage's cast.
 */
export function watershed(image: NdArray, markers: NdArray, mask: NdArray | null, options: WatershedOptions = {}): NdArray<Int32Array> {
  const fn = 'watershed';
  checkImage(fn, 'image', image);
  checkLabelImage(fn, 'markers', markers);
  checkSameShape(fn, 'image', image, 'markers', markers);
  const m = checkOptionalMask(fn, 'mask', mask, image, 'image');
  const opts = optionsObject<WatershedOptions>(fn, options);
  const ndim = image.shape.length;
  const connectivity = checkConnectivity(fn, opts.connectivity, ndim, 1);
  const values = image.data;
  const n = values.length;

  const [Z, Y, X] = asZyx(image.shape);
  const out = new Int32Array(n);
  // open[i] = 1: in the mask and not labelled yet (the only state the flood needs).
  const open = new Uint8Array(n);
  const md = m?.data;
  const mk = markers.data;
  let nMarkers = 0;
  let nOpen = 0;
  for (let i = 0; i < n; i++) {
    if (md && md[i] === 0) continue;
    const l = mk[i];
    if (l !== 0) {
      out[i] = l;
      nMarkers++;
    } else {
      open[i] = 1;
      nOpen++;
    }
  }
  if (nMarkers === 0) return { data: out, shape: [...image.shape] };

  const offsets = neighbourOffsets(ndim, connectivity);
  const raveled = raveledOffsets(offsets, Y, X);
  const nNeighbours = raveled.length;
  const odz = Int32Array.from(offsets, (o) => o[0]);
  const ody = Int32Array.from(offsets, (o) => o[1]);
  const odx = Int32Array.from(offsets, (o) => o[2]);

  // Push ids: markers are 0..nMarkers-1 (age 0), later pushes nMarkers.. (age = id, increasing).
  const heap = new FloodHeap(nMarkers + nOpen, nMarkers);
  for (let i = 0; i < n; i++) if (out[i] !== 0) heap.push(values[i], i);

  const YX = Y * X;
  while (heap.size > 0) {
    const idx = heap.pop();
    const l = out[idx];
    const x = idx % X;
    const y = ((idx - x) / X) % Y;
    const z = (idx - x - y * X) / YX;
    const interior = x > 0 && x < X - 1 && y > 0 && y < Y - 1 && (Z === 1 || (z > 0 && z < Z - 1));
    if (interior) {
      for (let k = 0; k < nNeighbours; k++) {
        const nb = idx + raveled[k];
        if (open[nb] === 0) continue;
        open[nb] = 0;
        out[nb] = l;
        heap.push(values[nb], nb);
      }
    } else {
      for (let k = 0; k < nNeighbours; k++) {
        const xx = x + odx[k];
        const yy = y + ody[k];
        const zz = z + odz[k];
        if (xx < 0 || xx >= X || yy < 0 || yy >= Y || zz < 0 || zz >= Z) continue;
        const nb = idx + raveled[k];
        if (open[nb] === 0) continue;
        open[nb] = 0;
        out[nb] = l;
        heap.push(values[nb], nb);
      }
    }
  }
  return { data: out, shape: [...image.shape] };
}

/**
 * The binary min-heap of skimage's watershed (`heap_general.pxi`), keyed by (value, age), with the
 * same sift-up and sift-down rules so that equal keys (markers of equal value) leave in the same order.
 * Entries are push ids; the voxel and value of an id live in side tables.
 */
class FloodHeap {
  size = 0;
  private readonly ids: Int32Array;
  private readonly keys: Float64Array;
  private readonly voxel: Int32Array;
  private nextId = 0;

  constructor(
    capacity: number,
    private readonly nMarkers: number,
  ) {
    this.ids = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.voxel = new Int32Array(capacity);
  }

  /** a < b in (value, age) order; markers (id < nMarkers) all have age 0. */
  private smaller(va: number, ida: number, vb: number, idb: number): boolean {
    if (va !== vb) return va < vb;
    const aa = ida < this.nMarkers ? 0 : ida;
    const ab = idb < this.nMarkers ? 0 : idb;
    return aa < ab;
  }

  push(value: number, voxel: number): void {
    if (value !== value) {
      throw new InputError(`watershed(): image holds NaN inside the mask (at flat index ${voxel}); NaN has no place in a flooding order`);
    }
    const id = this.nextId++;
    this.voxel[id] = voxel;
    const ids = this.ids;
    const keys = this.keys;
    let child = this.size++;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.smaller(value, id, keys[parent], ids[parent])) break;
      ids[child] = ids[parent];
      keys[child] = keys[parent];
      child = parent;
    }
    ids[child] = id;
    keys[child] = value;
  }

  /** Remove the smallest entry and return its voxel. */
  pop(): number {
    const ids = this.ids;
    const keys = this.keys;
    const top = this.voxel[ids[0]];
    const items = --this.size;
    if (items === 0) return top;
    // The last entry moves to the root and sinks, compared exactly as skimage compares it.
    const id = ids[items];
    const value = keys[items];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= items) break;
      const r = l + 1;
      let smallest = i;
      let sv = value;
      let sid = id;
      if (this.smaller(keys[l], ids[l], sv, sid)) {
        smallest = l;
        sv = keys[l];
        sid = ids[l];
      }
      if (r < items && this.smaller(keys[r], ids[r], sv, sid)) {
        smallest = r;
        sv = keys[r];
        sid = ids[r];
      }
      if (smallest === i) break;
      ids[i] = sid;
      keys[i] = sv;
      i = smallest;
    }
    ids[i] = id;
    keys[i] = value;
    return top;
  }
}
