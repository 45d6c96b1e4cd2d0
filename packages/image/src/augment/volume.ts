import type { NdArray } from '../types';
import { sizeOf } from '../ndarray';

/**
 * A channels-last array seen as a volume `[Z, Y, X]` of `inner` values per voxel. 2D data is a
 * volume of one plane, so every augmentation has one code path for 2D and 3D.
 */
export interface VolumeShape {
  Z: number;
  Y: number;
  X: number;
  /** Values per voxel: channels (1 for a label without a channel axis). */
  inner: number;
}

export function volumeShape(array: NdArray, ndim: 2 | 3): VolumeShape {
  if (array.shape.length < ndim) {
    throw new RangeError(`expected at least ${ndim} axes (got shape [${array.shape.join(', ')}])`);
  }
  const inner = sizeOf(array.shape.slice(ndim));
  if (ndim === 2) return { Z: 1, Y: array.shape[0], X: array.shape[1], inner };
  return { Z: array.shape[0], Y: array.shape[1], X: array.shape[2], inner };
}

/** The array's shape with its y and x extents replaced (for rotations by 90°). */
export function withYX(array: NdArray, ndim: 2 | 3, Y: number, X: number): number[] {
  const shape = [...array.shape];
  shape[ndim - 2] = Y;
  shape[ndim - 1] = X;
  return shape;
}
