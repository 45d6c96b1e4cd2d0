import type { NdArray } from './types';
import { checkLabelImage, checkNumber, optionsObject, type IntegerArray } from './checks';
import { labelTable } from './label-table';

export interface RemoveSmallObjectsOptions {
  /** Objects with fewer voxels than this are removed (set to 0). */
  minSize: number;
}

/**
 * Remove labelled objects smaller than `minSize` voxels, as scikit-image's
 * `morphology.remove_small_objects(labels, min_size)` on a label image: an object is every voxel of
 * one label value (connected or not). Returns a copy of the same type.
 */
export function removeSmallObjects<T extends IntegerArray>(labels: NdArray<T>, options: RemoveSmallObjectsOptions): NdArray<T> {
  const fn = 'removeSmallObjects';
  checkLabelImage(fn, 'labels', labels);
  const opts = optionsObject<RemoveSmallObjectsOptions>(fn, options);
  const minSize = checkNumber(fn, 'minSize', opts.minSize, { min: 0 });
  const src = labels.data;
  const out = src.slice() as T;
  if (minSize === 0 || src.length === 0) return { data: out, shape: [...labels.shape] };
  const table = labelTable(src);
  const small = new Uint8Array(table.labels.length);
  let any = false;
  for (let i = 0; i < small.length; i++) {
    if (table.sizes[i] < minSize) {
      small[i] = 1;
      any = true;
    }
  }
  if (any) {
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (v !== 0 && small[table.indexOf(v)] === 1) out[i] = 0;
    }
  }
  return { data: out, shape: [...labels.shape] };
}
