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
 * s(p) = u has at most two solutions there, found exactly (a quadratic in a, then b). Only the
 * cells near the affine inverse c + A⁻¹(u − c) can hold a solution: within zoom · max|d| + 1
 * pixels of it. Cells on the border extend half a pixel outwards, so an output position anywhere
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
  const plane = new PlaneMap(Y, X, params);
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

/** s(p) of one Y×X plane at every pixel centre (float64), and its inverse cell by cell. */
class PlaneMap {
  /** Source (y, x) per output pixel, as `coordinateMap` computes it before storing float32. */
  private readonly s: Float64Array;
  /** Where a solution can be, around the affine inverse (pixels). */
  private readonly reach: number;
  /** The range of source positions the output reads (with a margin), y then x. */
  readonly lo: [number, number];
  readonly hi: [number, number];
  private readonly inverse: (uy: number, ux: number) => [number, number];

  constructor(
    private readonly Y: number,
    private readonly X: number,
    params: WarpParams,
  ) {
    const { cy, cx, cos, sin } = planeAffine(Y, X, params);
    const field = params.displacement;
    const s = new Float64Array(2 * Y * X);
    let largest = 0;
    for (let y = 0, i = 0; y < Y; y++) {
      const u = y - cy;
      for (let x = 0; x < X; x++, i += 2) {
        const w = x - cx;
        // The same expression as coordinateMap.
        s[i] = cy + cos * u - sin * w + (field ? field[i] : 0);
        s[i + 1] = cx + sin * u + cos * w + (field ? field[i + 1] : 0);
        if (field) largest = Math.max(largest, Math.hypot(field[i], field[i + 1]));
      }
    }
    this.s = s;
    this.reach = params.zoom * largest + 1;
    // A zoom factor z with angle θ: A = (1/z)·R(θ), so A⁻¹ = z·R(−θ).
    const ca = Math.cos(params.angle) * params.zoom;
    const sa = Math.sin(params.angle) * params.zoom;
    this.inverse = (uy, ux) => [cy + ca * (uy - cy) + sa * (ux - cx), cx - sa * (uy - cy) + ca * (ux - cx)];
    // Neighbouring centres are at most `step` apart in the source; the border's half-pixel rim at most half that further.
    let step = 0;
    const lo: [number, number] = [Infinity, Infinity];
    const hi: [number, number] = [-Infinity, -Infinity];
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        const i = 2 * (y * X + x);
        for (let c = 0; c < 2; c++) {
          lo[c] = Math.min(lo[c], s[i + c]);
          hi[c] = Math.max(hi[c], s[i + c]);
          if (x + 1 < X) step = Math.max(step, Math.abs(s[i + 2 + c] - s[i + c]));
          if (y + 1 < Y) step = Math.max(step, Math.abs(s[i + 2 * X + c] - s[i + c]));
        }
      }
    }
    this.lo = [lo[0] - step - 1, lo[1] - step - 1];
    this.hi = [hi[0] + step + 1, hi[1] + step + 1];
  }

  /** Every output position (y, x) in [−0.5, Y − 0.5] × [−0.5, X − 0.5] whose source is (uy, ux). */
  solve(uy: number, ux: number): [number, number][] {
    const { Y, X, s } = this;
    const [gy, gx] = this.inverse(uy, ux);
    const r = this.reach;
    const found: [number, number][] = [];
    const i0 = Math.max(0, Math.floor(gy - r) - 1);
    const i1 = Math.min(Y - 2, Math.ceil(gy + r));
    const j0 = Math.max(0, Math.floor(gx - r) - 1);
    const j1 = Math.min(X - 2, Math.ceil(gx + r));
    for (let i = i0; i <= i1; i++) {
      // Border cells reach half a pixel past the outer pixel centres.
      const aLo = i === 0 ? -0.5 : 0;
      const aHi = i === Y - 2 ? 1.5 : 1;
      for (let j = j0; j <= j1; j++) {
        const bLo = j === 0 ? -0.5 : 0;
        const bHi = j === X - 2 ? 1.5 : 1;
        const k00 = 2 * (i * X + j);
        const k01 = k00 + 2;
        const k10 = k00 + 2 * X;
        const k11 = k10 + 2;
        const cell = {
          s00: [s[k00], s[k00 + 1]],
          e: [s[k10] - s[k00], s[k10 + 1] - s[k00 + 1]],
          g: [s[k01] - s[k00], s[k01 + 1] - s[k00 + 1]],
          h: [s[k11] - s[k10] - s[k01] + s[k00], s[k11 + 1] - s[k10 + 1] - s[k01 + 1] + s[k00 + 1]],
        };
        if (!inCellBox(cell, uy, ux, aLo, aHi, bLo, bHi)) continue;
        for (const [a, b] of solveBilinear(cell, uy, ux)) {
          const eps = 1e-9;
          if (a < aLo - eps || a > aHi + eps || b < bLo - eps || b > bHi + eps) continue;
          const py = i + a;
          const px = j + b;
          if (!pointInside(py, Y) || !pointInside(px, X)) continue;
          // A solution on the edge two cells share is found in both.
          if (found.some(([qy, qx]) => Math.abs(qy - py) < 1e-6 && Math.abs(qx - px) < 1e-6)) continue;
          found.push([py, px]);
        }
      }
    }
    return found;
  }
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

/** Whether (uy, ux) lies in the bounding box of the cell's image (a bilinear patch lies in the hull of its corners). */
function inCellBox(cell: Cell, uy: number, ux: number, aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  const u = [uy, ux];
  const tol = 1e-9;
  for (let c = 0; c < 2; c++) {
    const v = [at(cell, aLo, bLo, c), at(cell, aLo, bHi, c), at(cell, aHi, bLo, c), at(cell, aHi, bHi, c)];
    if (u[c] < Math.min(...v) - tol || u[c] > Math.max(...v) + tol) return false;
  }
  return true;
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
