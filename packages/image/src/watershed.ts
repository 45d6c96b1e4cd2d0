import type { NdArray } from './types';
import { ImageError } from './image-error';
import {
  asZyx,
  checkConnectivity,
  checkImage,
  checkLabelImage,
  checkOptionalMask,
  checkSameShape,
  optionsObject,
} from './checks';
import { neighbourOffsets, raveledOffsets } from './neighbourhood';
import { rankValues } from './value-ranks';

export interface WatershedOptions {
  /** 1 (default) = faces; up to ndim = corners. */
  connectivity?: number;
}

/**
 * Marker-controlled watershed, flooding `image` from low to high values starting at the non-zero
 * `markers`, restricted to `mask` (null: the whole image). Returns the labels (markers outside the mask
 * are dropped; voxels no marker can reach stay 0).
 *
 * It follows scikit-image 0.19's `segmentation.watershed(image, markers, connectivity, mask=mask)`:
 * the same priority (value, then insertion age, markers first), the same neighbour order, and labels
 * given when a voxel is pushed, with values compared as float64 like skimage's cast, so the result is
 * the same voxel for voxel. The one freedom left: markers of *equal* value leave skimage's binary heap in
 * an order set by its internal layout; here they leave in raster order. That can only move voxels on a
 * plateau shared by such markers.
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
  const md = m?.data;
  const mk = markers.data;
  // One Int32 per voxel holds the whole flood state, so a neighbour visit touches one array:
  // > 0 labelled, 0 outside the mask, < 0 waiting to be reached, as -(rank of its value + 1).
  // It first receives rank + 1 for every mask voxel.
  const out = new Int32Array(n);
  const nRanks = rankValues(values, md ?? null, out, (i) => {
    throw new ImageError(`${fn}(): image holds NaN inside the mask (at flat index ${i}); NaN has no place in a flooding order`);
  });
  let nMarkers = 0;
  let nOpen = 0;
  for (let i = 0; i < n; i++) {
    if (out[i] === 0) continue;
    if (mk[i] !== 0) nMarkers++;
    else nOpen++;
  }
  const shape = [...image.shape];
  if (nMarkers === 0) {
    out.fill(0);
    return { data: out, shape };
  }

  const offsets = neighbourOffsets(ndim, connectivity);
  const raveled = raveledOffsets(offsets, Y, X);
  const nNeighbours = raveled.length;
  const odz = Int32Array.from(offsets, (o) => o[0]);
  const ody = Int32Array.from(offsets, (o) => o[1]);
  const odx = Int32Array.from(offsets, (o) => o[2]);

  // Priority queue: one FIFO bucket per distinct value. Popping the lowest non-empty bucket's head
  // gives skimage's (value, insertion age) order exactly, in O(1) per voxel instead of a heap's
  // O(log n) scattered accesses. Entries are push ids (0..nMarkers-1 for the markers, in raster order).
  const capacity = nMarkers + nOpen;
  const head = new Int32Array(nRanks).fill(-1);
  const tail = new Int32Array(nRanks);
  // Entry id → [voxel, next id in its bucket], side by side so a pop reads one cache line.
  const entries = new Int32Array(2 * capacity);
  let nextId = 0;
  let current = nRanks;
  let pending = 0;
  const push = (rank: number, voxel: number): void => {
    const id = nextId++;
    entries[2 * id] = voxel;
    entries[2 * id + 1] = -1;
    if (head[rank] < 0) head[rank] = id;
    else entries[2 * tail[rank] + 1] = id;
    tail[rank] = id;
    if (rank < current) current = rank;
    pending++;
  };
  for (let i = 0; i < n; i++) {
    const r = out[i];
    if (r === 0) continue;
    const l = mk[i];
    if (l === 0) {
      out[i] = -r;
      continue;
    }
    if (l > 2147483647) throw new ImageError(`${fn}(): markers holds label ${l}, above the largest supported label (2147483647)`);
    out[i] = l;
    push(r - 1, i);
  }

  while (pending > 0) {
    while (head[current] < 0) current++;
    const id = head[current];
    head[current] = entries[2 * id + 1];
    pending--;
    const idx = entries[2 * id];
    const l = out[idx];
    const row = (idx / X) | 0;
    const x = idx - row * X;
    const z = (row / Y) | 0;
    const y = row - z * Y;
    const interior = x > 0 && x < X - 1 && y > 0 && y < Y - 1 && (ndim === 2 || (z > 0 && z < Z - 1));
    if (interior) {
      for (let k = 0; k < nNeighbours; k++) {
        const nb = idx + raveled[k];
        const state = out[nb];
        if (state >= 0) continue;
        out[nb] = l;
        push(-1 - state, nb);
      }
    } else {
      for (let k = 0; k < nNeighbours; k++) {
        const xx = x + odx[k];
        const yy = y + ody[k];
        const zz = z + odz[k];
        if (xx < 0 || xx >= X || yy < 0 || yy >= Y || zz < 0 || zz >= Z) continue;
        const nb = idx + raveled[k];
        const state = out[nb];
        if (state >= 0) continue;
        out[nb] = l;
        push(-1 - state, nb);
      }
    }
  }
  // Mask voxels no marker reaches stay background.
  if (nextId < capacity) for (let i = 0; i < n; i++) if (out[i] < 0) out[i] = 0;
  return { data: out, shape };
}
