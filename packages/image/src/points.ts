import type { PointList } from './types';
import { ImageError } from './image-error';
import { typeName } from './checks';

/** Points as rows `[[y, x], ...]` / `[[z, y, x], ...]`, or biaflow's flat `PointList`. */
export type Points = number[][] | PointList;

export function isPointList(points: unknown): points is PointList {
  return typeof points === 'object' && points !== null && !Array.isArray(points) && (points as PointList).coordinates instanceof Float64Array;
}

/** Read points into a flat Float64Array of `count × ndim` coordinates, checking every value. */
export function readPoints(fn: string, arg: string, points: unknown, ndim?: number): { coords: Float64Array; count: number; ndim: number } {
  if (isPointList(points)) {
    const d = points.ndim;
    if (d !== 2 && d !== 3) throw new ImageError(`${fn}(): ${arg}.ndim must be 2 or 3, got ${JSON.stringify(d)}`);
    if (ndim !== undefined && d !== ndim) throw new ImageError(`${fn}(): ${arg} has ${d}D points but ${ndim}D are expected`);
    if (points.coordinates.length % d !== 0) {
      throw new ImageError(`${fn}(): ${arg}.coordinates holds ${points.coordinates.length} values, not a multiple of ndim ${d}`);
    }
    checkFinite(fn, arg, points.coordinates);
    return { coords: points.coordinates, count: points.coordinates.length / d, ndim: d };
  }
  if (!Array.isArray(points)) {
    throw new ImageError(`${fn}(): ${arg} must be a list of points ([[y, x], ...] or [[z, y, x], ...]) or a PointList, got ${typeName(points)}`);
  }
  const count = points.length;
  const d = ndim ?? (count > 0 && Array.isArray(points[0]) ? points[0].length : 2);
  if (d !== 2 && d !== 3) throw new ImageError(`${fn}(): ${arg} must hold 2D or 3D points, got ${d} coordinates per point`);
  const coords = new Float64Array(count * d);
  for (let i = 0; i < count; i++) {
    const p = points[i];
    if (!Array.isArray(p) || p.length !== d) {
      throw new ImageError(`${fn}(): ${arg}[${i}] must be ${d} coordinates, got ${JSON.stringify(p)}`);
    }
    for (let k = 0; k < d; k++) coords[i * d + k] = p[k];
  }
  checkFinite(fn, arg, coords);
  return { coords, count, ndim: d };
}

function checkFinite(fn: string, arg: string, coords: Float64Array): void {
  for (let i = 0; i < coords.length; i++) {
    if (!Number.isFinite(coords[i])) throw new ImageError(`${fn}(): ${arg} holds a non-finite coordinate (${coords[i]})`);
  }
}

/**
 * Spatial hash of points on cells `cell` wide (physical units): candidates within `cell` of a
 * position are in the 3^ndim cells around it.
 */
export class PointGrid {
  private readonly cells = new Map<string, number[]>();

  constructor(
    private readonly ndim: number,
    private readonly cell: number,
  ) {}

  private keyOf(p: ArrayLike<number>, shift?: number[]): string {
    let key = '';
    for (let k = 0; k < this.ndim; k++) key += `${Math.floor(p[k] / this.cell) + (shift ? shift[k] : 0)},`;
    return key;
  }

  add(p: ArrayLike<number>, id: number): void {
    const key = this.keyOf(p);
    const bucket = this.cells.get(key);
    if (bucket) bucket.push(id);
    else this.cells.set(key, [id]);
  }

  /** Ids in the cells around `p` (a superset of those within `cell` of it). */
  near(p: ArrayLike<number>, visit: (id: number) => boolean | void): void {
    const shifts = this.ndim === 3 ? SHIFTS_3D : SHIFTS_2D;
    for (const s of shifts) {
      const bucket = this.cells.get(this.keyOf(p, s));
      if (!bucket) continue;
      for (const id of bucket) if (visit(id) === true) return;
    }
  }
}

const SHIFTS_2D: number[][] = [];
const SHIFTS_3D: number[][] = [];
for (const a of [-1, 0, 1]) {
  for (const b of [-1, 0, 1]) {
    SHIFTS_2D.push([a, b]);
    for (const c of [-1, 0, 1]) SHIFTS_3D.push([a, b, c]);
  }
}
