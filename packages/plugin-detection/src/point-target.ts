import { InputError, type NdArray, type PointList } from '@biaflow/core';
import { pointInside, pointPixel } from '@biaflow/image';
import type { PointTargetShape } from './detection-section';

export interface PointTargetOptions {
  /** Output channels: one per point class (class c goes to channel c − 1). */
  classes: number;
  shape: PointTargetShape;
  /** Radius (disk) or σ (Gaussian) in pixels along each spatial axis. */
  radius: readonly number[];
}

/** Offsets (per axis) of the voxels one point covers, and the value it puts there. */
interface Stamp {
  offsets: Int32Array;
  values: Float32Array;
  count: number;
}

const stamps = new Map<string, Stamp>();

/**
 * The voxels around a point: inside the ellipse Σ (dᵢ/rᵢ)² ≤ 1 for a disk (value 1), within 3σ
 * along each axis for a Gaussian (value exp(−½ Σ (dᵢ/σᵢ)²)). A radius of 0 along an axis keeps
 * only offset 0 there.
 */
function stampFor(shape: PointTargetShape, radius: readonly number[]): Stamp {
  const key = `${shape}:${radius.join(',')}`;
  const cached = stamps.get(key);
  if (cached) return cached;
  const ndim = radius.length;
  const reach = radius.map((r) => (shape === 'disk' ? Math.floor(r) : Math.ceil(3 * r)));
  const offsets: number[] = [];
  const values: number[] = [];
  const d = new Array<number>(ndim).fill(0);
  const visit = (axis: number): void => {
    if (axis === ndim) {
      let q = 0;
      for (let k = 0; k < ndim; k++) {
        if (d[k] === 0) continue;
        if (radius[k] === 0) return;
        q += (d[k] / radius[k]) ** 2;
      }
      if (shape === 'disk') {
        if (q > 1) return;
        values.push(1);
      } else {
        // Beyond 3σ in the combined distance the blob is below 0.011: left at 0 like a disk's outside.
        if (q > 9) return;
        values.push(Math.exp(-0.5 * q));
      }
      offsets.push(...d);
      return;
    }
    for (let o = -reach[axis]; o <= reach[axis]; o++) {
      d[axis] = o;
      visit(axis + 1);
    }
    d[axis] = 0;
  };
  visit(0);
  const stamp = { offsets: Int32Array.from(offsets), values: Float32Array.from(values), count: values.length };
  stamps.set(key, stamp);
  return stamp;
}

/**
 * A training target from a point mask (each point's class at its voxel, 0 elsewhere): every point
 * becomes a disk / ball or a Gaussian blob in its class's channel, overlapping blobs keeping the
 * larger value. Returns float32 `[...spatial, classes]`. A point whose class exceeds `classes` is an
 * input error naming `name`.
 */
export function pointTarget(mask: NdArray, options: PointTargetOptions, name = 'sample'): NdArray<Float32Array> {
  const ndim = options.radius.length;
  let spatial = mask.shape;
  if (spatial.length === ndim + 1 && spatial[ndim] === 1) spatial = spatial.slice(0, ndim);
  if (spatial.length !== ndim) {
    throw new RangeError(`${name}: point mask has shape [${mask.shape.join(', ')}], expected ${ndim} spatial axes`);
  }
  const strides = stridesOf(spatial);
  const src = mask.data;
  return drawTarget(spatial, options, name, (visit) => {
    const at = new Array<number>(ndim);
    for (let i = 0; i < src.length; i++) {
      const cls = src[i];
      if (cls === 0) continue;
      let rest = i;
      for (let k = 0; k < ndim; k++) {
        at[k] = Math.floor(rest / strides[k]);
        rest -= at[k] * strides[k];
      }
      visit(at, cls);
    }
  });
}

/**
 * A training target from points (a training patch's `sample.points`, in its pixel coordinates, as
 * core's data pipeline cuts and augments them): each point drawn at its pixel `round(c)` (the
 * rounding rule, docs/data.md), as `pointTarget` draws a mask's points; class 1 without classes.
 * Points outside `spatial` are left out. Two points on one pixel both draw (the larger value stays).
 */
export function pointListTarget(points: PointList, spatial: readonly number[], options: PointTargetOptions, name = 'sample'): NdArray<Float32Array> {
  const ndim = options.radius.length;
  if (points.ndim !== ndim || spatial.length !== ndim) {
    throw new RangeError(`${name}: ${points.ndim}D points in a patch of shape [${spatial.join(', ')}], expected ${ndim} spatial axes`);
  }
  const n = points.coordinates.length / ndim;
  return drawTarget(spatial, options, name, (visit) => {
    const at = new Array<number>(ndim);
    for (let p = 0; p < n; p++) {
      let inside = true;
      for (let k = 0; k < ndim; k++) {
        const c = points.coordinates[p * ndim + k];
        if (!pointInside(c, spatial[k])) inside = false;
        at[k] = pointPixel(c, spatial[k]);
      }
      if (inside) visit(at, points.classes ? points.classes[p] : 1);
    }
  });
}

/** The target of the points `each` visits (voxel position, class), stamped with the settings' disk or Gaussian. */
function drawTarget(
  spatial: readonly number[],
  options: PointTargetOptions,
  name: string,
  each: (visit: (at: readonly number[], cls: number) => void) => void,
): NdArray<Float32Array> {
  const ndim = spatial.length;
  const { classes } = options;
  const stamp = stampFor(options.shape, options.radius);
  const voxels = spatial.reduce((a, b) => a * b, 1);
  const out = new Float32Array(voxels * classes);
  const strides = stridesOf(spatial);
  each((at, cls) => {
    if (!(cls >= 1 && cls <= classes && Number.isInteger(cls))) {
      throw new InputError(
        `a point of class ${cls} is in the training data but detection.classes is ${classes}: classes go from 1 to detection.classes`,
        { file: name, hint: `set detection.classes to the number of point classes (the largest value of the CSV class column)` },
      );
    }
    const channel = cls - 1;
    for (let s = 0; s < stamp.count; s++) {
      let flat = 0;
      let inside = true;
      for (let k = 0; k < ndim; k++) {
        const c = at[k] + stamp.offsets[s * ndim + k];
        if (c < 0 || c >= spatial[k]) {
          inside = false;
          break;
        }
        flat += c * strides[k];
      }
      if (!inside) continue;
      const j = flat * classes + channel;
      const v = stamp.values[s];
      if (v > out[j]) out[j] = v;
    }
  });
  return { data: out, shape: [...spatial, classes] };
}

function stridesOf(spatial: readonly number[]): number[] {
  const strides = new Array<number>(spatial.length);
  strides[spatial.length - 1] = 1;
  for (let k = spatial.length - 2; k >= 0; k--) strides[k] = strides[k + 1] * spatial[k + 1];
  return strides;
}
