import type { NdArray } from '@biaflow/core';

/**
 * Zero every labelled object with a voxel within `margin` voxels of the image border.
 * Works on any number of dimensions: a voxel is on the border when any coordinate is near an edge.
 */
export function dropBorderObjects(labels: NdArray, margin = 0): NdArray {
  const { data, shape } = labels;
  const touching = new Set<number>();
  const ndim = shape.length;
  const coord = new Array<number>(ndim).fill(0);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== 0) {
      for (let d = 0; d < ndim; d++) {
        if (coord[d] <= margin || coord[d] >= shape[d] - 1 - margin) {
          touching.add(v);
          break;
        }
      }
    }
    // Advance the C-order coordinate.
    for (let d = ndim - 1; d >= 0; d--) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
  const out = data.slice();
  if (touching.size) for (let i = 0; i < out.length; i++) if (touching.has(out[i])) out[i] = 0;
  return { data: out, shape: [...shape] };
}
