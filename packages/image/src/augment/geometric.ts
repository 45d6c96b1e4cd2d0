import type { NdArray, TypedArray } from '../types';
import { allocateLike, reflectIndex } from '../ndarray';
import { gaussianBlurYX } from './gaussian';
import { volumeShape, withYX } from './volume';

/**
 * Geometric transforms of channels-last arrays with 2 or 3 spatial axes. Flips and 90° rotations
 * move samples exactly; `warp` resamples through a coordinate map, linearly for images and by
 * nearest value for labels, so a label never takes a value that was not in it.
 */

/** Mirror along spatial axis `axis` (0 = first spatial axis). Any dtype. */
export function flip<T extends TypedArray>(array: NdArray<T>, ndim: 2 | 3, axis: number): NdArray<T> {
  const v = volumeShape(array, ndim);
  const { Z, Y, X, inner } = v;
  // As a volume, a 2D array's y is axis 1 and x axis 2.
  const vAxis = ndim === 2 ? axis + 1 : axis;
  const src = array.data;
  const out = allocateLike(src, src.length);
  let o = 0;
  for (let z = 0; z < Z; z++) {
    const sz = vAxis === 0 ? Z - 1 - z : z;
    for (let y = 0; y < Y; y++) {
      const sy = vAxis === 1 ? Y - 1 - y : y;
      for (let x = 0; x < X; x++) {
        const sx = vAxis === 2 ? X - 1 - x : x;
        const base = ((sz * Y + sy) * X + sx) * inner;
        for (let c = 0; c < inner; c++) out[o++] = src[base + c];
      }
    }
  }
  return { data: out, shape: [...array.shape] };
}

/** Rotate by `k` quarter turns in the y-x plane (y and x swap extents for odd k). Any dtype. */
export function rot90<T extends TypedArray>(array: NdArray<T>, ndim: 2 | 3, k: number): NdArray<T> {
  const turns = ((k % 4) + 4) % 4;
  const { Z, Y, X, inner } = volumeShape(array, ndim);
  const src = array.data;
  if (turns === 0) return { data: src.slice() as T, shape: [...array.shape] };
  const [OY, OX] = turns % 2 === 1 ? [X, Y] : [Y, X];
  const out = allocateLike(src, src.length);
  let o = 0;
  for (let z = 0; z < Z; z++) {
    for (let a = 0; a < OY; a++) {
      for (let b = 0; b < OX; b++) {
        let sy: number;
        let sx: number;
        if (turns === 1) [sy, sx] = [b, X - 1 - a];
        else if (turns === 2) [sy, sx] = [Y - 1 - a, X - 1 - b];
        else [sy, sx] = [Y - 1 - b, a];
        const base = ((z * Y + sy) * X + sx) * inner;
        for (let c = 0; c < inner; c++) out[o++] = src[base + c];
      }
    }
  }
  return { data: out, shape: withYX(array, ndim, OY, OX) };
}

/**
 * Where each output sample is read from: `yx` holds (source y, source x) per output pixel of a
 * plane (shared by every z plane), `z` the source plane per output plane.
 */
export interface CoordinateMap {
  Y: number;
  X: number;
  yx: Float32Array;
  z: Float32Array;
}

export interface WarpParams {
  /** Rotation angle in the y-x plane, radians. */
  angle: number;
  /** Zoom factor in y and x (> 1 magnifies). */
  zoom: number;
  /** Zoom factor along z (1 = none). */
  zoomZ: number;
  /** Elastic displacement (dy, dx per pixel) or none. */
  displacement?: Float32Array;
}

/**
 * The affine part of the map of a Y×X plane: output (y, x) reads source (cy + cos·(y − cy) −
 * sin·(x − cx), cx + sin·(y − cy) + cos·(x − cx)), plus the displacement at (y, x). Shared with
 * `warpPoints`, which inverts the same map.
 */
export function planeAffine(Y: number, X: number, p: Pick<WarpParams, 'angle' | 'zoom'>): { cy: number; cx: number; cos: number; sin: number } {
  return { cy: (Y - 1) / 2, cx: (X - 1) / 2, cos: Math.cos(p.angle) / p.zoom, sin: Math.sin(p.angle) / p.zoom };
}

/** Rotation and zoom about the centre, plus an optional displacement field. */
export function coordinateMap(Z: number, Y: number, X: number, p: WarpParams): CoordinateMap {
  const { cy, cx, cos, sin } = planeAffine(Y, X, p);
  const yx = new Float32Array(2 * Y * X);
  const d = p.displacement;
  for (let y = 0, i = 0; y < Y; y++) {
    const u = y - cy;
    for (let x = 0; x < X; x++, i += 2) {
      const w = x - cx;
      // Inverse map: output → source, so every output pixel gets exactly one value.
      yx[i] = cy + cos * u - sin * w + (d ? d[i] : 0);
      yx[i + 1] = cx + sin * u + cos * w + (d ? d[i + 1] : 0);
    }
  }
  const z = new Float32Array(Z);
  const cz = (Z - 1) / 2;
  for (let k = 0; k < Z; k++) z[k] = cz + (k - cz) / p.zoomZ;
  return { Y, X, yx, z };
}

/**
 * A smooth random displacement field over a Y×X plane (Simard et al.): uniform noise, Gaussian
 * smoothed with `sigma`, scaled so the largest displacement is `alpha` pixels.
 */
export function elasticDisplacement(Y: number, X: number, alpha: number, sigma: number, random: () => number): Float32Array {
  // A field smoothed with sigma has no detail finer than ~sigma: draw and smooth it on a grid
  // `step` times coarser, then interpolate up (4-8× less work for the usual sigma of 4-8 px).
  const step = Math.max(1, Math.floor(sigma / 2));
  const cy = Math.ceil((Y - 1) / step) + 1;
  const cx = Math.ceil((X - 1) / step) + 1;
  const noise = new Float32Array(2 * cy * cx);
  for (let i = 0; i < noise.length; i++) noise[i] = 2 * random() - 1;
  const coarse = gaussianBlurYX(noise, { Z: 1, Y: cy, X: cx, inner: 2 }, sigma / step);
  const field = new Float32Array(2 * Y * X);
  for (let y = 0, o = 0; y < Y; y++) {
    const gy = y / step;
    const y0 = Math.min(cy - 1, Math.floor(gy));
    const y1 = Math.min(cy - 1, y0 + 1);
    const fy = gy - y0;
    for (let x = 0; x < X; x++) {
      const gx = x / step;
      const x0 = Math.min(cx - 1, Math.floor(gx));
      const x1 = Math.min(cx - 1, x0 + 1);
      const fx = gx - x0;
      for (let c = 0; c < 2; c++, o++) {
        const a = coarse[2 * (y0 * cx + x0) + c] * (1 - fx) + coarse[2 * (y0 * cx + x1) + c] * fx;
        const b = coarse[2 * (y1 * cx + x0) + c] * (1 - fx) + coarse[2 * (y1 * cx + x1) + c] * fx;
        field[o] = a + (b - a) * fy;
      }
    }
  }
  let max = 0;
  for (let i = 0; i < field.length; i++) max = Math.max(max, Math.abs(field[i]));
  const f = max > 0 ? alpha / max : 0;
  for (let i = 0; i < field.length; i++) field[i] *= f;
  return field;
}

/** Resample a float image through a coordinate map: trilinear (bilinear in 2D), mirrored borders. */
export function warpLinear(array: NdArray<Float32Array>, ndim: 2 | 3, map: CoordinateMap): NdArray<Float32Array> {
  const { Z, Y, X, inner } = volumeShape(array, ndim);
  const src = array.data;
  const out = new Float32Array(src.length);
  const plane = Y * X * inner;
  for (let z = 0; z < Z; z++) {
    const sz = map.z[z];
    const z0 = Math.floor(sz);
    const fz = sz - z0;
    const pa = reflectIndex(z0, Z) * plane;
    const pb = fz > 0 ? reflectIndex(z0 + 1, Z) * plane : pa;
    let o = z * plane;
    for (let i = 0; i < Y * X; i++) {
      const sy = map.yx[2 * i];
      const sx = map.yx[2 * i + 1];
      const y0 = Math.floor(sy);
      const x0 = Math.floor(sx);
      const fy = sy - y0;
      const fx = sx - x0;
      const ya = reflectIndex(y0, Y) * X;
      const yb = reflectIndex(y0 + 1, Y) * X;
      const xa = reflectIndex(x0, X);
      const xb = reflectIndex(x0 + 1, X);
      const i00 = (ya + xa) * inner;
      const i01 = (ya + xb) * inner;
      const i10 = (yb + xa) * inner;
      const i11 = (yb + xb) * inner;
      const w00 = (1 - fy) * (1 - fx);
      const w01 = (1 - fy) * fx;
      const w10 = fy * (1 - fx);
      const w11 = fy * fx;
      for (let c = 0; c < inner; c++) {
        const a = w00 * src[pa + i00 + c] + w01 * src[pa + i01 + c] + w10 * src[pa + i10 + c] + w11 * src[pa + i11 + c];
        if (pb === pa) out[o++] = a;
        else {
          const b = w00 * src[pb + i00 + c] + w01 * src[pb + i01 + c] + w10 * src[pb + i10 + c] + w11 * src[pb + i11 + c];
          out[o++] = a + (b - a) * fz;
        }
      }
    }
  }
  return { data: out, shape: [...array.shape] };
}

/** Resample any array (labels) by the nearest source sample, mirrored borders: no new values appear. */
export function warpNearest<T extends TypedArray>(array: NdArray<T>, ndim: 2 | 3, map: CoordinateMap): NdArray<T> {
  const { Z, Y, X, inner } = volumeShape(array, ndim);
  const src = array.data;
  const out = allocateLike(src, src.length);
  const plane = Y * X * inner;
  const xy = new Int32Array(Y * X);
  for (let i = 0; i < Y * X; i++) {
    xy[i] = (reflectIndex(Math.round(map.yx[2 * i]), Y) * X + reflectIndex(Math.round(map.yx[2 * i + 1]), X)) * inner;
  }
  let o = 0;
  for (let z = 0; z < Z; z++) {
    const p = reflectIndex(Math.round(map.z[z]), Z) * plane;
    for (let i = 0; i < Y * X; i++) {
      const base = p + xy[i];
      for (let c = 0; c < inner; c++) out[o++] = src[base + c];
    }
  }
  return { data: out, shape: [...array.shape] };
}
