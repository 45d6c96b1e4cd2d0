import type { NdArray } from './types';
import { squaredDistanceTransform } from './euclidean-transform';
import { checkImage, checkSpacing, optionsObject } from './checks';

export interface DistanceTransformOptions {
  /** Voxel size per axis ([z,]y,x), e.g. [2, 1, 1] for planes twice as far apart as pixels. Default 1. */
  spacing?: number[];
}

/**
 * Exact Euclidean distance from each foreground (non-zero) voxel to the nearest background voxel,
 * as scipy's `distance_transform_edt(mask, sampling=spacing)`; background voxels are 0. A mask with no
 * background at all has no distance to measure: every voxel is +Infinity.
 */
export function distanceTransform(mask: NdArray, options: DistanceTransformOptions = {}): NdArray<Float32Array> {
  checkImage('distanceTransform', 'mask', mask);
  const opts = optionsObject<DistanceTransformOptions>('distanceTransform', options);
  const spacing = checkSpacing('distanceTransform', opts.spacing, mask.shape.length);
  const { squared } = squaredDistanceTransform(mask.shape, spacing, mask.data, true);
  for (let i = 0; i < squared.length; i++) squared[i] = Math.sqrt(squared[i]);
  return { data: squared, shape: [...mask.shape] };
}
