import type { PointList } from '../types';
import { planeAffine, type WarpParams } from '../augment/geometric';
import { forEachCombination, mirrorCopies } from './mirror-copies';
import { pointInside } from './point-pixel';
import { PointCollector, pointCount, type TracedPoints } from './traced-points';

/**
 * Points through the rotation + zoom + elastic resampling of `augmentSample` (`coordinateMap`,
 * `warpLinear`): they go where the image takes their spot.
 *
 * The image is resampled backwards: output pixel p reads the source at s(p) = c + A(p − c) + d(p)
 * (A rotation and zoom about the centre c, d the displacement field, both known at pixel
 * centres). A point at source position u therefore goes to every p with s(p) = u. Between
 * pixel centres, s is taken bilinear (as the image samples are interpolated), so inside each cell
 * of four neighbouring output pixels s(i + a, j + b) is a bilinear function of (a, b) and
 * s(p) = u has at most two solutions there, found exactly (a quadratic in a, then b); only the
 * cells whose image's bounding box holds u are solved (looked up in an index of the cells by where
 * they lie in the source). Cells on the border extend half a pixel outwards, so an output position anywhere
 * in [−0.5, n − 0.5] is found. A smooth field gives one solution; a field that folds the plane
 * over itself (large `alpha` for its `sigma`) shows a spot several times, and every place is kept,
 * as the image shows it. Where the output reads past the patch's border (mirrored, numpy `reflect`),
 * the mirrored copies of the points are mapped too (`mirrorCopies`). Along z (3D), the zoom is
 * linear and inverted in closed form. Points mapped outside the patch are dropped.
 */
export function warpPoints(points: PointList, spatial: readonly number[], params: WarpParams): TracedPoints {
  const d = points.ndim;
  const Y = spatial[d - 2];
  const X = spatial[d - 1];
  const Z = d === 3 ? spatial[0] : 1;
  if (Y < 2 || X < 2) throw new RangeError(`warpPoints needs at least 2 pixels along y and x (got ${Y}×${X})`);
  const plane: PlaneInverse = params.displacement ? new PlaneMap(Y, X, params) : new AffinePlane(Y, X, params);
  const cz = (Z - 1) / 2;
  const zoomZ = params.zoomZ;
  // The source planes the output reads: planes 0 … Z − 1 map to cz + (k − cz) / zoomZ.
  const zReach = [cz - (cz + 0.5) / zoomZ - 1, cz + (cz + 0.5) / zoomZ + 1];

  const collector = new PointCollector(d, points);
  const n = pointCount(points);
  for (let p = 0; p < n; p++) {
    const at = points.coordinates.subarray(p * d, p * d + d);
    const axes = [mirrorCopies(at[d - 2], Y, plane.lo[0], plane.hi[0]), mirrorCopies(at[d - 1], X, plane.lo[1], plane.hi[1])];
    const zCopies = d === 3 ? mirrorCopies(at[0], Z, zReach[0], zReach[1]) : undefined;
    forEachCombination(axes, ([uy, ux], mirroredYX) => {
      for (const [py, px] of plane.solve(uy, ux)) {
        if (!zCopies) {
          collector.add([py, px], p, mirroredYX);
          continue;
        }
        zCopies.at.forEach((uz, k) => {
          const pz = cz + zoomZ * (uz - cz);
          if (pointInside(pz, Z)) collector.add([pz, py, px], p, mirroredYX || zCopies.mirrored[k]);
        });
      }
    });
  }
  return collector.finish();
}

/** The inverse of a plane's sampling map: where the output shows a source position. */
interface PlaneInverse {
  /** The range of source positions the output reads, y then x. */
  readonly lo: [number, number];
  readonly hi: [number, number];
  /** Every output position (y, x) in [−0.5, Y − 0.5] × [−0.5, X − 0.5] whose source is (uy, ux). */
  solve(uy: number, ux: number): [number, number][];
}

/** Rotation and zoom alone: s(p) = c + A(p − c) is inverted in closed form, p = c + A⁻¹(u − c). */
class AffinePlane implements PlaneInverse {
  readonly lo: [number, number];
  readonly hi: [number, number];
  private readonly forward: (uy: number, ux: number) => [number, number];

  constructor(
    private readonly Y: number,
    private readonly X: number,
    params: WarpParams,
  ) {
    const { cy, cx, cos, sin } = planeAffine(Y, X, params);
    // A = (1/z)·R(θ), so A⁻¹ = z·R(−θ).
    const ca = Math.cos(params.angle) * params.zoom;
    const sa = Math.sin(params.angle) * params.zoom;
    this.forward = (uy, ux) => [cy + ca * (uy - cy) + sa * (ux - cx), cx - sa * (uy - cy) + ca * (ux - cx)];
    // The output's corners (half a pixel out) read the extremes of what it reads.
    const corners = [
      [-0.5, -0.5],
      [-0.5, X - 0.5],
      [Y - 0.5, -0.5],
      [Y - 0.5, X - 0.5],
    ].map(([y, x]) => [cy + cos * (y - cy) - sin * (x - cx), cx + sin * (y - cy) + cos * (x - cx)]);
    this.lo = [Math.min(...corners.map((c) => c[0])), Math.min(...corners.map((c) => c[1]))];
    this.hi = [Math.max(...corners.map((c) => c[0])), Math.max(...corners.map((c) => c[1]))];
  }

  solve(uy: number, ux: number): [number, number][] {
    const [py, px] = this.forward(uy, ux);
    return pointInside(py, this.Y) && pointInside(px, this.X) ? [[py, px]] : [];
  }
}

/**
 * s(p) of one Y×X plane at every pixel centre (float64), and its inverse cell by cell. The cells
 * are indexed by where their images lie in the source (a grid of buckets about one cell's extent
 * wide), so finding the cells that can hold a source position costs a lookup, not a search.
 */
class PlaneMap implements PlaneInverse {
  /** Source (y, x) per output pixel, as `coordinateMap` computes it before storing float32. */
  private readonly s: Float64Array;
  /** The range of source positions the output reads (the border cells' half-pixel rims included), y then x. */
  readonly lo: [number, number];
  readonly hi: [number, number];
  /** Bucket side (source pixels) and grid size; cells of bucket k are `cells[start[k] … start[k + 1])`. */
  private readonly bucket: number;
  private readonly rows: number;
  private readonly cols: number;
  private readonly start: Int32Array;
  private readonly cells: Int32Array;

  constructor(
    private readonly Y: number,
    private readonly X: number,
    params: WarpParams,
  ) {
    const { cy, cx, cos, sin } = planeAffine(Y, X, params);
    const field = params.displacement;
    const s = new Float64Array(2 * Y * X);
    for (let y = 0, i = 0; y < Y; y++) {
      const u = y - cy;
      for (let x = 0; x < X; x++, i += 2) {
        const w = x - cx;
        // The same expression as coordinateMap.
        s[i] = cy + cos * u - sin * w + (field ? field[i] : 0);
        s[i + 1] = cx + sin * u + cos * w + (field ? field[i + 1] : 0);
      }
    }
    this.s = s;

    // Each cell's bounding box in the source (a bilinear patch lies in the hull of its corners).
    const count = (Y - 1) * (X - 1);
    const box = new Float64Array(4 * count);
    const lo: [number, number] = [Infinity, Infinity];
    const hi: [number, number] = [-Infinity, -Infinity];
    let extent = 0;
    for (let i = 0, k = 0; i < Y - 1; i++) {
      // Border cells reach half a pixel past the outer pixel centres.
      const aLo = i === 0 ? -0.5 : 0;
      const aHi = i === Y - 2 ? 1.5 : 1;
      for (let j = 0; j < X - 1; j++, k++) {
        const bLo = j === 0 ? -0.5 : 0;
        const bHi = j === X - 2 ? 1.5 : 1;
        const k00 = 2 * (i * X + j);
        const k10 = k00 + 2 * X;
        for (let c = 0; c < 2; c++) {
          // The bilinear form at the domain's corners: s00 + a·e + b·g + a·b·h.
          const s00 = s[k00 + c];
          const e = s[k10 + c] - s00;
          const g = s[k00 + 2 + c] - s00;
          const h = s[k10 + 2 + c] - s[k10 + c] - s[k00 + 2 + c] + s00;
          const v0 = s00 + aLo * e + bLo * g + aLo * bLo * h;
          const v1 = s00 + aLo * e + bHi * g + aLo * bHi * h;
          const v2 = s00 + aHi * e + bLo * g + aHi * bLo * h;
          const v3 = s00 + aHi * e + bHi * g + aHi * bHi * h;
          const min = Math.min(v0, v1, v2, v3);
          const max = Math.max(v0, v1, v2, v3);
          box[4 * k + 2 * c] = min;
          box[4 * k + 2 * c + 1] = max;
          lo[c] = Math.min(lo[c], min);
          hi[c] = Math.max(hi[c], max);
          extent = Math.max(extent, max - min);
        }
      }
    }
    this.lo = lo;
    this.hi = hi;
    // Buckets about as wide as the widest cell (each cell in a few buckets), never more buckets than ~4 per cell.
    let side = Math.max(extent, 1e-6);
    while (Math.ceil((hi[0] - lo[0]) / side + 1) * Math.ceil((hi[1] - lo[1]) / side + 1) > 4 * count + 16) side *= 2;
    this.bucket = side;
    this.rows = Math.ceil((hi[0] - lo[0]) / side) + 1;
    this.cols = Math.ceil((hi[1] - lo[1]) / side) + 1;
    const start = new Int32Array(this.rows * this.cols + 1);
    // Two passes (count, then fill) into one flat array: bucket b's cells are cells[start[b] … start[b + 1]).
    let cells = new Int32Array(0);
    const fill = new Int32Array(this.rows * this.cols);
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < count; k++) {
        const r0 = this.row(box[4 * k]);
        const r1 = this.row(box[4 * k + 1]);
        const c0 = this.col(box[4 * k + 2]);
        const c1 = this.col(box[4 * k + 3]);
        for (let r = r0; r <= r1; r++) {
          for (let c = c0; c <= c1; c++) {
            const b = r * this.cols + c;
            if (pass === 0) start[b + 1]++;
            else cells[start[b] + fill[b]++] = k;
          }
        }
      }
      if (pass === 0) {
        for (let b = 0; b < this.rows * this.cols; b++) start[b + 1] += start[b];
        cells = new Int32Array(start[this.rows * this.cols]);
      }
    }
    this.start = start;
    this.cells = cells;
    this.box = box;
  }

  private readonly box: Float64Array;

  private row(v: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((v - this.lo[0]) / this.bucket)));
  }

  private col(v: number): number {
    return Math.min(this.cols - 1, Math.max(0, Math.floor((v - this.lo[1]) / this.bucket)));
  }

  /** The bilinear form of the map over the cell with corners (i, j) and (i + 1, j + 1). */
  private cell(i: number, j: number): Cell {
    const { s, X } = this;
    const k00 = 2 * (i * X + j);
    const k01 = k00 + 2;
    const k10 = k00 + 2 * X;
    const k11 = k10 + 2;
    return {
      s00: [s[k00], s[k00 + 1]],
      e: [s[k10] - s[k00], s[k10 + 1] - s[k00 + 1]],
      g: [s[k01] - s[k00], s[k01 + 1] - s[k00 + 1]],
      h: [s[k11] - s[k10] - s[k01] + s[k00], s[k11 + 1] - s[k10 + 1] - s[k01 + 1] + s[k00 + 1]],
    };
  }

  /** Every output position (y, x) in [−0.5, Y − 0.5] × [−0.5, X − 0.5] whose source is (uy, ux). */
  solve(uy: number, ux: number): [number, number][] {
    const found: [number, number][] = [];
    if (uy < this.lo[0] || uy > this.hi[0] || ux < this.lo[1] || ux > this.hi[1]) return found;
    const b = this.row(uy) * this.cols + this.col(ux);
    const tol = 1e-9;
    for (let n = this.start[b]; n < this.start[b + 1]; n++) {
      const k = this.cells[n];
      const box = this.box;
      if (uy < box[4 * k] - tol || uy > box[4 * k + 1] + tol || ux < box[4 * k + 2] - tol || ux > box[4 * k + 3] + tol) continue;
      const i = Math.floor(k / (this.X - 1));
      const j = k - i * (this.X - 1);
      const [aLo, aHi, bLo, bHi] = domain(i, j, this.Y, this.X);
      for (const [a, bb] of solveBilinear(this.cell(i, j), uy, ux)) {
        if (a < aLo - tol || a > aHi + tol || bb < bLo - tol || bb > bHi + tol) continue;
        const py = i + a;
        const px = j + bb;
        if (!pointInside(py, this.Y) || !pointInside(px, this.X)) continue;
        // A solution on the edge two cells share is found in both.
        if (found.some(([qy, qx]) => Math.abs(qy - py) < 1e-6 && Math.abs(qx - px) < 1e-6)) continue;
        found.push([py, px]);
      }
    }
    return found;
  }
}

/** The parameter range (a along y, b along x) of cell (i, j): border cells reach half a pixel past the outer pixel centres. */
function domain(i: number, j: number, Y: number, X: number): [number, number, number, number] {
  return [i === 0 ? -0.5 : 0, i === Y - 2 ? 1.5 : 1, j === 0 ? -0.5 : 0, j === X - 2 ? 1.5 : 1];
}

/** s(a, b) = s00 + a·e + b·g + a·b·h over one cell (a along y, b along x). */
interface Cell {
  s00: number[];
  e: number[];
  g: number[];
  h: number[];
}

function at(cell: Cell, a: number, b: number, c: number): number {
  return cell.s00[c] + a * cell.e[c] + b * cell.g[c] + a * b * cell.h[c];
}

/**
 * The (a, b) with s(a, b) = u (any a, b: the caller keeps those in its cell). With q = u − s00,
 * a·e + b·g + a·b·h = q; eliminating b (cross product with g + a·h) leaves
 * −(e × h)·a² + (q × h − e × g)·a + q × g = 0, and b follows from either component.
 */
function solveBilinear(cell: Cell, uy: number, ux: number): [number, number][] {
  const { e, g, h } = cell;
  const q = [uy - cell.s00[0], ux - cell.s00[1]];
  const cross = (v: number[], w: number[]) => v[0] * w[1] - v[1] * w[0];
  const k2 = -cross(e, h);
  const k1 = cross(q, h) - cross(e, g);
  const k0 = cross(q, g);
  const scale = Math.max(Math.abs(k1), Math.abs(k0), 1e-300);
  const roots: number[] = [];
  if (Math.abs(k2) <= 1e-12 * scale) {
    if (k1 !== 0) roots.push(-k0 / k1);
  } else {
    const disc = k1 * k1 - 4 * k2 * k0;
    if (disc < -1e-12 * k1 * k1) return [];
    const sq = Math.sqrt(Math.max(0, disc));
    // The stable form: no cancellation between k1 and the root.
    const t = -0.5 * (k1 + (k1 >= 0 ? sq : -sq));
    if (t !== 0) roots.push(t / k2, k0 / t);
    else roots.push(0);
  }
  const out: [number, number][] = [];
  for (let a of roots) {
    let b = bFor(cell, q, a);
    if (b === undefined) continue;
    // Two Newton steps on the full system polish what the closed form lost to rounding.
    for (let step = 0; step < 2; step++) {
      const fy = at(cell, a, b, 0) - uy;
      const fx = at(cell, a, b, 1) - ux;
      const ja = [e[0] + b * h[0], e[1] + b * h[1]];
      const jb = [g[0] + a * h[0], g[1] + a * h[1]];
      const det = ja[0] * jb[1] - ja[1] * jb[0];
      if (det === 0) break;
      a -= (fy * jb[1] - fx * jb[0]) / det;
      b -= (ja[0] * fx - ja[1] * fy) / det;
    }
    const residual = Math.hypot(at(cell, a, b, 0) - uy, at(cell, a, b, 1) - ux);
    if (residual < 1e-6) out.push([a, b]);
  }
  return out;
}

function bFor(cell: Cell, q: number[], a: number): number | undefined {
  const dy = cell.g[0] + a * cell.h[0];
  const dx = cell.g[1] + a * cell.h[1];
  if (Math.abs(dy) >= Math.abs(dx)) return dy === 0 ? undefined : (q[0] - a * cell.e[0]) / dy;
  return (q[1] - a * cell.e[1]) / dx;
}
