import type { NdArray } from './types';
import { asZyx, checkLabelImage, checkNumber, optionsObject, type IntegerArray } from './checks';

export interface ClearBorderOptions {
  /** Objects with a voxel within this many voxels of the border are removed too (default 0: touching it). */
  bufferSize?: number;
}

/**
 * Remove objects that touch the image border, as scikit-image's `segmentation.clear_border(labels,
 * buffer_size)` on a label image. Returns a copy of the same type.
 */
export function clearBorder<T extends IntegerArray>(labels: NdArray<T>, options: ClearBorderOptions = {}): NdArray<T> {
  const fn = 'clearBorder';
  checkLabelImage(fn, 'labels', labels);
  const opts = optionsObject<ClearBorderOptions>(fn, options);
  const buffer = checkNumber(fn, 'bufferSize', opts.bufferSize ?? 0, { min: 0, integer: true });
  const [Z, Y, X] = asZyx(labels.shape);
  const is3d = labels.shape.length === 3;
  const data = labels.data;
  const touching = new Set<number>();
  for (let z = 0, i = 0; z < Z; z++) {
    const zEdge = is3d && (z <= buffer || z >= Z - 1 - buffer);
    for (let y = 0; y < Y; y++) {
      const yEdge = zEdge || y <= buffer || y >= Y - 1 - buffer;
      for (let x = 0; x < X; x++, i++) {
        if (data[i] !== 0 && (yEdge || x <= buffer || x >= X - 1 - buffer)) touching.add(data[i]);
      }
    }
  }
  const out = data.slice() as T;
  if (touching.size > 0) for (let i = 0; i < out.length; i++) if (out[i] !== 0 && touching.has(out[i])) out[i] = 0;
  return { data: out, shape: [...labels.shape] };
}
