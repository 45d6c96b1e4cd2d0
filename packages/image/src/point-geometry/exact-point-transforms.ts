import type { PointList } from '../types';
import type { Box } from '../augment/intensity';
import { pointPixel } from './point-pixel';

/**
 * The transforms that move pixels without resampling, applied to point coordinates (patch
 * coordinates, pixel centres on integers): each maps a point exactly where its pixel goes, so a
 * point stays on the same image content and none is lost or added.
 */

/** Mirror along spatial axis `axis` (as `flip`): c → n − 1 − c, n the extent of that axis. */
export function flipPoints(points: PointList, spatial: readonly number[], axis: number): PointList {
  const d = points.ndim;
  const out = Float64Array.from(points.coordinates);
  const last = spatial[axis] - 1;
  for (let i = axis; i < out.length; i += d) out[i] = last - out[i];
  return withCoordinates(points, out);
}

/**
 * Rotate by `k` quarter turns in the y-x plane, as `rot90` (numpy's `rot90(a, k, axes=(y, x))`,
 * counter-clockwise): a pixel (y, x) of a Y×X plane goes to (X − 1 − x, y) per turn.
 */
export function rot90Points(points: PointList, spatial: readonly number[], k: number): PointList {
  const turns = ((k % 4) + 4) % 4;
  const d = points.ndim;
  const [iy, ix] = [d - 2, d - 1];
  const Y = spatial[d - 2];
  const X = spatial[d - 1];
  const out = Float64Array.from(points.coordinates);
  for (let p = 0; p < out.length; p += d) {
    const y = out[p + iy];
    const x = out[p + ix];
    if (turns === 1) [out[p + iy], out[p + ix]] = [X - 1 - x, y];
    else if (turns === 2) [out[p + iy], out[p + ix]] = [Y - 1 - y, X - 1 - x];
    else if (turns === 3) [out[p + iy], out[p + ix]] = [x, Y - 1 - y];
  }
  return withCoordinates(points, out);
}

/** The points whose pixel lies in none of the boxes (cut-out applied to the label too). */
export function dropPointsInBoxes(points: PointList, spatial: readonly number[], boxes: readonly Box[]): PointList {
  const d = points.ndim;
  // Boxes are in volume coordinates [z, y, x]; a 2D point has z = 0.
  const offset = 3 - d;
  const keep: number[] = [];
  const n = points.coordinates.length / d;
  for (let p = 0; p < n; p++) {
    const at = [0, 0, 0];
    for (let k = 0; k < d; k++) at[offset + k] = pointPixel(points.coordinates[p * d + k], spatial[k]);
    const covered = boxes.some(({ from, to }) => at.every((v, a) => v >= from[a] && v < to[a]));
    if (!covered) keep.push(p);
  }
  if (keep.length === n) return points;
  const coordinates = new Float64Array(keep.length * d);
  keep.forEach((p, i) => coordinates.set(points.coordinates.subarray(p * d, p * d + d), i * d));
  const out: PointList = { ndim: points.ndim, coordinates };
  if (points.classes) out.classes = Int32Array.from(keep, (p) => (points.classes as Int32Array)[p]);
  return out;
}

function withCoordinates(points: PointList, coordinates: Float64Array): PointList {
  const out: PointList = { ndim: points.ndim, coordinates };
  if (points.classes) out.classes = points.classes.slice();
  return out;
}
