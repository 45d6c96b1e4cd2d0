import type { PointList } from './types';
import { ImageError } from './image-error';
import { checkNumber, checkSpacing, optionsObject, typeName } from './checks';
import { isPointList, PointGrid, readPoints } from './points';

export interface SuppressClosePointsOptions {
  /** Two points at most this far apart (physical units, after `spacing`) are too close. */
  radius: number;
  /** Voxel size per axis ([z,]y,x); default 1. */
  spacing?: number[];
  /** One score per point: of two close points the higher score survives. Without scores the earlier point survives. */
  scores?: ArrayLike<number>;
}

/**
 * Non-maximum suppression of points: points are visited from the highest score down (input order
 * when there are no scores or scores tie) and a point is dropped when one already kept lies within
 * `radius` (distance ≤ radius). A dropped point suppresses nothing. The kept points come back in their
 * input order, in the form given (rows, or a PointList with its classes and scores filtered along).
 */
export function suppressClosePoints(points: number[][], options: SuppressClosePointsOptions): number[][];
export function suppressClosePoints<P extends PointList>(points: P, options: SuppressClosePointsOptions): P;
export function suppressClosePoints(points: number[][] | PointList, options: SuppressClosePointsOptions): number[][] | PointList {
  const fn = 'suppressClosePoints';
  const { coords, count, ndim } = readPoints(fn, 'points', points);
  const opts = optionsObject<SuppressClosePointsOptions>(fn, options);
  const radius = checkNumber(fn, 'radius', opts.radius, { min: 0 });
  const spacing = checkSpacing(fn, opts.spacing, ndim);
  let scores: ArrayLike<number> | undefined = opts.scores;
  if (scores === undefined && isPointList(points)) scores = (points as PointList & { scores?: Float32Array }).scores;
  if (scores !== undefined && scores !== null) {
    if (typeof scores !== 'object' || typeof scores.length !== 'number') {
      throw new ImageError(`${fn}(): scores must be a list of numbers, got ${typeName(scores)}`);
    }
    if (scores.length !== count) throw new ImageError(`${fn}(): scores has ${scores.length} values for ${count} points`);
    for (let i = 0; i < count; i++) {
      if (Number.isNaN(scores[i]) || typeof scores[i] !== 'number') throw new ImageError(`${fn}(): scores[${i}] is not a number (${scores[i]})`);
    }
  }

  const order = Array.from({ length: count }, (_, i) => i);
  if (scores) {
    const s = scores;
    order.sort((a, b) => s[b] - s[a] || a - b);
  }
  const phys = new Float64Array(count * ndim);
  for (let i = 0; i < count; i++) for (let k = 0; k < ndim; k++) phys[i * ndim + k] = coords[i * ndim + k] * spacing[k];
  const keep = new Uint8Array(count);
  const grid = new PointGrid(ndim, radius > 0 ? radius : 1);
  const r2 = radius * radius;
  const p = new Float64Array(ndim);
  for (const i of order) {
    for (let k = 0; k < ndim; k++) p[k] = phys[i * ndim + k];
    let close = false;
    grid.near(p, (j) => {
      let d2 = 0;
      for (let k = 0; k < ndim; k++) {
        const d = phys[j * ndim + k] - p[k];
        d2 += d * d;
      }
      if (d2 <= r2) {
        close = true;
        return true;
      }
      return false;
    });
    if (close) continue;
    keep[i] = 1;
    grid.add(p, i);
  }

  if (Array.isArray(points)) return points.filter((_, i) => keep[i] === 1).map((row) => [...row]);
  const list = points as PointList & { scores?: Float32Array };
  const idx: number[] = [];
  for (let i = 0; i < count; i++) if (keep[i]) idx.push(i);
  const coordinates = new Float64Array(idx.length * ndim);
  idx.forEach((i, j) => coordinates.set(list.coordinates.subarray(i * ndim, (i + 1) * ndim), j * ndim));
  const out: PointList & { scores?: Float32Array } = { ...list, coordinates };
  if (list.classes) out.classes = Int32Array.from(idx, (i) => list.classes![i]);
  if (list.scores) out.scores = Float32Array.from(idx, (i) => list.scores![i]);
  return out;
}
