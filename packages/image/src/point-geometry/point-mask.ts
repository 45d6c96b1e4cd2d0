import type { NdArray, PointList } from '../types';
import { sizeOf } from '../ndarray';
import { pointInside, pointPixel } from './point-pixel';

/**
 * Points drawn into a mask of spatial shape `spatial`: each point's class (1 without classes) at
 * its pixel (the rounding rule of `point-pixel`), 0 elsewhere; of two points on one pixel the
 * later one's class stays. Points outside are left out. For what needs pixels: where the
 * foreground is (patch sampling), a preview, a target drawn from the label.
 */
export function pointMask(points: PointList, spatial: readonly number[]): NdArray<Uint16Array> {
  const d = points.ndim;
  const mask = new Uint16Array(sizeOf(spatial));
  const n = points.coordinates.length / d;
  for (let p = 0; p < n; p++) {
    let flat = 0;
    let inside = true;
    for (let k = 0; k < d; k++) {
      const c = points.coordinates[p * d + k];
      if (!pointInside(c, spatial[k])) inside = false;
      flat = flat * spatial[k] + pointPixel(c, spatial[k]);
    }
    if (inside) mask[flat] = points.classes ? points.classes[p] : 1;
  }
  return { data: mask, shape: [...spatial] };
}

/**
 * A mask of points (a label image given in place of a point file) as points: one per non-zero
 * pixel, at the pixel's centre, its value as the class.
 */
export function pointsFromMask(mask: NdArray, ndim: 2 | 3): PointList {
  const spatial = mask.shape.slice(0, ndim);
  const coordinates: number[] = [];
  const classes: number[] = [];
  const src = mask.data;
  for (let i = 0; i < sizeOf(spatial); i++) {
    if (src[i] === 0) continue;
    let rest = i;
    const at = new Array<number>(ndim);
    for (let k = ndim - 1; k >= 0; k--) {
      at[k] = rest % spatial[k];
      rest = Math.floor(rest / spatial[k]);
    }
    coordinates.push(...at);
    classes.push(Number(src[i]));
  }
  return { ndim, coordinates: Float64Array.from(coordinates), classes: Int32Array.from(classes) };
}
