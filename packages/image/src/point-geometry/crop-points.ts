import type { PointList } from '../types';
import { forEachCombination, mirrorCopies } from './mirror-copies';
import { pointInside } from './point-pixel';
import { PointCollector, pointCount, type TracedPoints } from './traced-points';

/**
 * The points of a box `size` at `origin` cut from an image of spatial shape `spatial`, as
 * `extractBox` cuts the pixels: shifted to the box's coordinates (c − origin), those outside the
 * box dropped (the rounding rule of `point-pixel`), and where the box reaches past the image (an
 * image smaller than a patch, mirrored as numpy `reflect`) the mirrored points there too.
 */
export function cropPoints(points: PointList, origin: readonly number[], size: readonly number[], spatial: readonly number[]): TracedPoints {
  const d = points.ndim;
  const collector = new PointCollector(d, points);
  const n = pointCount(points);
  for (let p = 0; p < n; p++) {
    // Per axis: where the point shows in the box (mirrored past the image's borders, as the pixels).
    const axes = Array.from({ length: d }, (_, k) => {
      const q = points.coordinates[p * d + k];
      const copies = mirrorCopies(q, spatial[k], origin[k] - 0.5, origin[k] + size[k] - 0.5);
      return { at: copies.at.map((u) => u - origin[k]), mirrored: copies.mirrored };
    });
    forEachCombination(axes, (at, mirrored) => {
      if (at.every((c, k) => pointInside(c, size[k]))) collector.add(at, p, mirrored);
    });
  }
  return collector.finish();
}
