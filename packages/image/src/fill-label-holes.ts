import type { NdArray } from './types';
import { fillHolesFlat } from './fill-holes';
import { checkLabelImage, type IntegerArray } from './checks';
import { regionProps } from './region-props';

/**
 * Fill the holes of every object of a label image: background voxels enclosed by one object take its
 * label (each object is filled on its own, inside its bounding box, like StarDist's
 * `fill_label_holes`). Voxels of other objects nested in a hole are kept, not overwritten.
 */
export function fillLabelHoles<T extends IntegerArray>(labels: NdArray<T>): NdArray<T> {
  checkLabelImage('fillLabelHoles', 'labels', labels);
  const ndim = labels.shape.length;
  const [Y, X] = labels.shape.slice(-2);
  const src = labels.data;
  const out = src.slice() as T;
  for (const region of regionProps(labels)) {
    const lo = ndim === 3 ? region.bbox.slice(0, 3) : [0, ...region.bbox.slice(0, 2)];
    const hi = ndim === 3 ? region.bbox.slice(3) : [1, ...region.bbox.slice(2)];
    const [dz, dy, dx] = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
    const crop = new Uint8Array(dz * dy * dx);
    for (let z = 0, j = 0; z < dz; z++) {
      for (let y = 0; y < dy; y++) {
        const row = ((lo[0] + z) * Y + lo[1] + y) * X + lo[2];
        for (let x = 0; x < dx; x++, j++) crop[j] = src[row + x] === region.label ? 1 : 0;
      }
    }
    const filled = fillHolesFlat(crop, ndim === 3 ? [dz, dy, dx] : [dy, dx]);
    for (let z = 0, j = 0; z < dz; z++) {
      for (let y = 0; y < dy; y++) {
        const row = ((lo[0] + z) * Y + lo[1] + y) * X + lo[2];
        for (let x = 0; x < dx; x++, j++) if (filled[j] && out[row + x] === 0) out[row + x] = region.label;
      }
    }
  }
  return { data: out, shape: [...labels.shape] };
}
