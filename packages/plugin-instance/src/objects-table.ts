import type { NdArray } from '@biaflow/core';
import { regionProps } from '@biaflow/image';

export type ObjectRow = Record<string, number | string | null>;

/**
 * One `objects.csv` row per object: `label`, `area` (voxels), the centroid and the bounding box in
 * voxel coordinates (`[z_]y_x`; `*_max` exclusive, as scikit-image's bbox).
 */
export function objectRows(labels: NdArray): ObjectRow[] {
  const ndim = labels.shape.length;
  const axes = ndim === 3 ? ['z', 'y', 'x'] : ['y', 'x'];
  return regionProps(labels).map((p) => {
    const row: ObjectRow = { label: p.label, area: p.area };
    axes.forEach((a, i) => (row[`centroid_${a}`] = p.centroid[i]));
    axes.forEach((a, i) => (row[`bbox_${a}_min`] = p.bbox[i]));
    axes.forEach((a, i) => (row[`bbox_${a}_max`] = p.bbox[ndim + i]));
    return row;
  });
}
