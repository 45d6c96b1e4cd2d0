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
 * position are in the 3^ndim cells around it. Cells are nested Maps keyed by the integer cell index of
 * each axis in turn (no string keys to build per lookup).
 */
export class PointGrid {
  private readonly root: CellTree = new Map();

  constructor(
    private readonly ndim: number,
    private readonly cell: number,
  ) {}

  add(p: ArrayLike<number>, id: number): void {
    let node: CellTree = this.root;
    for (let k = 0; k < this.ndim - 1; k++) {
      const key = Math.floor(p[k] / this.cell);
      let next = node.get(key) as CellTree | undefined;
      if (!next) node.set(key, (next = new Map()));
      node = next;
    }
    const key = Math.floor(p[this.ndim - 1] / this.cell);
    const bucket = node.get(key) as number[] | undefined;
    if (bucket) bucket.push(id);
    else node.set(key, [id]);
  }

  /** Ids in the cells around `p` (a superset of those within `cell` of it); `visit` returning true stops the walk. */
  near(p: ArrayLike<number>, visit: (id: number) => boolean | void): void {
    this.walk(this.root, p, 0, visit);
  }

  private walk(node: CellTree, p: ArrayLike<number>, axis: number, visit: (id: number) => boolean | void): boolean {
    const centre = Math.floor(p[axis] / this.cell);
    for (let key = centre - 1; key <= centre + 1; key++) {
      const next = node.get(key);
      if (next === undefined) continue;
      if (axis < this.ndim - 1) {
        if (this.walk(next as CellTree, p, axis + 1, visit)) return true;
      } else {
        for (const id of next as number[]) if (visit(id) === true) return true;
      }
    }
    return false;
  }
}

/** One level per axis; the last level holds the ids of the points in the cell. */
type CellTree = Map<number, CellTree | number[]>;
