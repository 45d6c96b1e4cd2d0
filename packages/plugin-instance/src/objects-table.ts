import type { NdArray, Prediction } from '@biaflow/core';
import { regionProps } from '@biaflow/image';

export type ObjectRow = Record<string, number | string | null>;

/** Voxel size (µm) along the spatial axes ([z,] y, x) of the input, or undefined when any is unknown. */
export function voxelSize(source: Pick<Prediction['source'], 'axes' | 'spacing'>, ndim: number): number[] | undefined {
  const sizes = [...(ndim === 3 ? 'ZYX' : 'YX')].map((a) => {
    const i = source.axes.indexOf(a);
    const s = i >= 0 ? source.spacing[i] : null;
    return typeof s === 'number' && s > 0 ? s : undefined;
  });
  return sizes.every((s): s is number => s !== undefined) ? sizes : undefined;
}

/**
 * One `objects.csv` row per object: `label`, `area` (voxels), the centroid and the bounding box in
 * voxel coordinates (`[z_]y_x`; `*_max` exclusive, as scikit-image's bbox); the centroid again as
 * `axis-0`, `axis-1`[, `axis-2`] (napari's points layout: the table opens as a points layer); and,
 * when the voxel size is known, `area_um2` (2D) or `volume_um3` (3D) and `centroid_um-0`… in micrometres.
 */
export function objectRows(labels: NdArray, spacing?: readonly number[]): ObjectRow[] {
  const ndim = labels.shape.length;
  const axes = ndim === 3 ? ['z', 'y', 'x'] : ['y', 'x'];
  const voxel = spacing?.length === ndim ? spacing.reduce((a, b) => a * b, 1) : undefined;
  return regionProps(labels).map((p) => {
    const row: ObjectRow = { label: p.label, area: p.area };
    axes.forEach((a, i) => (row[`centroid_${a}`] = p.centroid[i]));
    axes.forEach((a, i) => (row[`bbox_${a}_min`] = p.bbox[i]));
    axes.forEach((a, i) => (row[`bbox_${a}_max`] = p.bbox[ndim + i]));
    axes.forEach((_, i) => (row[`axis-${i}`] = p.centroid[i]));
    if (spacing && voxel !== undefined) {
      row[ndim === 3 ? 'volume_um3' : 'area_um2'] = p.area * voxel;
      axes.forEach((_, i) => (row[`centroid_um-${i}`] = p.centroid[i] * spacing[i]));
    }
    return row;
  });
}
