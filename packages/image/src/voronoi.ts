import { ImageError } from './image-error';
import type { NdArray } from './types';
import { squaredDistanceTransform } from './euclidean-transform';
import { checkLabelImage, checkOptionalMask, checkSpacing, optionsObject } from './checks';

export interface VoronoiOptions {
  /** Voxel size per axis, so "nearest" is measured in physical units. Default 1. */
  spacing?: number[];
}

/**
 * Voronoi growth of labels: each voxel of `mask` takes the label of its nearest labelled voxel
 * (Euclidean, anisotropic with `spacing`); voxels outside the mask are 0. `mask` null means the
 * whole image. Same answer as scipy's `distance_transform_edt(labels == 0, return_indices=True)`
 * followed by a lookup, except where two labels are exactly equidistant (either may win).
 * Without any labelled voxel the result is all 0.
 */
export function voronoi(labels: NdArray, mask: NdArray | null, options: VoronoiOptions = {}): NdArray<Int32Array> {
  checkLabelImage('voronoi', 'labels', labels);
  const m = checkOptionalMask('voronoi', 'mask', mask, labels, 'labels');
  const opts = optionsObject<VoronoiOptions>('voronoi', options);
  const spacing = checkSpacing('voronoi', opts.spacing, labels.shape.length);
  if (labels.data instanceof Uint32Array) {
    for (let i = 0; i < labels.data.length; i++) {
      if (labels.data[i] > 2147483647) throw new ImageError(`voronoi(): labels holds label ${labels.data[i]}, above the largest supported label (2147483647)`);
    }
  }
  const { nearest } = squaredDistanceTransform(labels.shape, spacing, labels.data, false, labels.data);
  const out = nearest!;
  if (m) {
    const md = m.data;
    for (let i = 0; i < out.length; i++) if (md[i] === 0) out[i] = 0;
  }
  return { data: out, shape: [...labels.shape] };
}
