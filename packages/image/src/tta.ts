import type { NdArray, TypedArray } from './types';
import { ImageError } from './image-error';
import { isTypedArray, typeName } from './checks';
import { allocateLike, sizeOf } from './ndarray';

/** One test-time-augmentation transform of a channels-last array and its exact inverse. */
export interface TtaTransform {
  /** `identity`, `rot90`, `rot180`, `rot270`, `flip_y`, `flip_x`, `transpose`, `transverse`; in 3D also each with `+flip_z`. */
  name: string;
  forward<A extends TypedArray>(array: NdArray<A>): NdArray<A>;
  inverse<A extends TypedArray>(array: NdArray<A>): NdArray<A>;
}

/**
 * An element of the dihedral group of the y–x plane, optionally times a flip of z: first swap y and x
 * (`transpose`), then reverse y, x and z as flagged. Rotations follow `np.rot90` (counter-clockwise:
 * `rot90` maps out[y, x] = in[x, X−1−y]).
 */
interface Dihedral {
  name: string;
  transpose: boolean;
  flipY: boolean;
  flipX: boolean;
  flipZ: boolean;
}

const PLANE: Omit<Dihedral, 'flipZ'>[] = [
  { name: 'identity', transpose: false, flipY: false, flipX: false },
  { name: 'rot90', transpose: true, flipY: true, flipX: false },
  { name: 'rot180', transpose: false, flipY: true, flipX: true },
  { name: 'rot270', transpose: true, flipY: false, flipX: true },
  { name: 'flip_y', transpose: false, flipY: true, flipX: false },
  { name: 'flip_x', transpose: false, flipY: false, flipX: true },
  { name: 'transpose', transpose: true, flipY: false, flipX: false },
  { name: 'transverse', transpose: true, flipY: true, flipX: true },
];

/**
 * The test-time-augmentation transforms of a channels-last array of shape `[y, x, c]` /
 * `[z, y, x, c]`, with or without a leading batch axis (`[b, …]`); `ndim` is the number of spatial
 * axes (2 or 3). In 2D: the 8 symmetries of the square (identity, 3 rotations by 90°, flips of y and x,
 * transpose and anti-transpose); in 3D the same 8 times a flip of z (16). When y and x differ in size
 * only the 4 that keep the shape remain (identity, flip y, flip x, rotate 180°; 8 in 3D).
 *
 * Each transform works on any array laid out like `shape` (any channel count and batch size), so a
 * prediction with other channels than its input can be inverted; `inverse(forward(a))` is `a`
 * exactly (values are moved, never computed).
 */
export function ttaTransforms(shape: readonly number[], ndim: 2 | 3): TtaTransform[] {
  const fn = 'ttaTransforms';
  if (ndim !== 2 && ndim !== 3) throw new ImageError(`${fn}(): ndim must be 2 or 3 (spatial axes), got ${JSON.stringify(ndim)}`);
  checkShape(fn, 'shape', shape, ndim);
  const [y, x] = shape.slice(shape.length - 3, shape.length - 1);
  const plane = y === x ? PLANE : PLANE.filter((d) => !d.transpose);
  const elements: Dihedral[] = [];
  for (const flipZ of ndim === 3 ? [false, true] : [false]) {
    for (const d of plane) elements.push({ ...d, flipZ, name: flipZ ? (d.name === 'identity' ? 'flip_z' : `${d.name}+flip_z`) : d.name });
  }
  return elements.map((d) => ({
    name: d.name,
    forward: <A extends TypedArray>(a: NdArray<A>) => applyDihedral(a, ndim, d),
    inverse: <A extends TypedArray>(a: NdArray<A>) => applyDihedral(a, ndim, inverseOf(d)),
  }));
}

/** Flips are their own inverses; after a transpose the flips act on swapped axes, so the inverse swaps them back. */
function inverseOf(d: Dihedral): Dihedral {
  return d.transpose ? { ...d, flipY: d.flipX, flipX: d.flipY } : d;
}

function checkShape(fn: string, arg: string, shape: unknown, ndim: number): asserts shape is number[] {
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new ImageError(`${fn}(): ${arg} must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (shape.length !== ndim + 1 && shape.length !== ndim + 2) {
    const axes = ndim === 2 ? '[y, x, c] or [b, y, x, c]' : '[z, y, x, c] or [b, z, y, x, c]';
    throw new ImageError(`${fn}(): ${arg} must be channels-last ${axes} for ndim ${ndim}, got [${shape.join(',')}]`);
  }
}

function applyDihedral<A extends TypedArray>(a: NdArray<A>, ndim: number, d: Dihedral): NdArray<A> {
  const fn = `ttaTransforms ${d.name}`;
  if (typeof a !== 'object' || a === null || !isTypedArray(a.data)) throw new ImageError(`${fn}: expects an array { data, shape }, got ${typeName(a)}`);
  checkShape(fn, 'array.shape', a.shape, ndim);
  if (sizeOf(a.shape) !== a.data.length) throw new ImageError(`${fn}: array has shape [${a.shape.join(',')}] but ${a.data.length} values`);
  const r = a.shape.length;
  const C = a.shape[r - 1];
  const X = a.shape[r - 2];
  const Y = a.shape[r - 3];
  const Z = ndim === 3 ? a.shape[r - 4] : 1;
  // Batch and z are walked together as "slabs" of Y·X pixels; z only changes which slab is read.
  const B = sizeOf(a.shape.slice(0, r - 1 - ndim));
  const outY = d.transpose ? X : Y;
  const outX = d.transpose ? Y : X;
  const src = a.data;
  const out = allocateLike(src, src.length);
  // Source offset of each output row and column (in elements), so the copy loop is additions only.
  const rowOffset = new Int32Array(outY);
  const colOffset = new Int32Array(outX);
  for (let oy = 0; oy < outY; oy++) {
    const ty = d.flipY ? outY - 1 - oy : oy;
    rowOffset[oy] = d.transpose ? ty * C : ty * X * C;
  }
  for (let ox = 0; ox < outX; ox++) {
    const tx = d.flipX ? outX - 1 - ox : ox;
    colOffset[ox] = d.transpose ? tx * X * C : tx * C;
  }
  const slab = Y * X * C;
  let o = 0;
  for (let b = 0; b < B; b++) {
    for (let z = 0; z < Z; z++) {
      const base = (b * Z + (d.flipZ ? Z - 1 - z : z)) * slab;
      for (let oy = 0; oy < outY; oy++) {
        const row = base + rowOffset[oy];
        for (let ox = 0; ox < outX; ox++) {
          const at = row + colOffset[ox];
          for (let c = 0; c < C; c++) out[o++] = src[at + c];
        }
      }
    }
  }
  const shape = [...a.shape];
  shape[r - 3] = outY;
  shape[r - 2] = outX;
  return { data: out, shape };
}

/**
 * Test-time augmentation: `predict` runs on each transformed batch (one call per transform, in the
 * order of `ttaTransforms`, awaited one after the other), each output is transformed back, and the
 * outputs are averaged: summed in float64 in that order, divided by their count, rounded to float32.
 * The result is therefore deterministic, and an equivariant `predict` gives its plain output back.
 *
 * `batch` is channels-last with a leading batch axis: `[b, y, x, c]` (2D) or `[b, z, y, x, c]` (3D,
 * or pass `ndim`). Every prediction must have the layout of its input (any channel count) and the
 * same shape once transformed back.
 */
export async function averageTta(
  batch: NdArray,
  predict: (batch: NdArray) => Promise<NdArray>,
  options: { ndim?: 2 | 3 } = {},
): Promise<NdArray<Float32Array>> {
  const fn = 'averageTta';
  if (typeof batch !== 'object' || batch === null || !Array.isArray(batch.shape)) throw new ImageError(`${fn}(): batch must be an array { data, shape }, got ${typeName(batch)}`);
  if (typeof predict !== 'function') throw new ImageError(`${fn}(): predict must be a function (batch) => Promise<batch>, got ${typeName(predict)}`);
  const ndim = options.ndim ?? (batch.shape.length - 2);
  if (ndim !== 2 && ndim !== 3) {
    throw new ImageError(`${fn}(): batch must be [b, y, x, c] or [b, z, y, x, c], got shape [${batch.shape.join(',')}]`);
  }
  if (batch.shape.length !== ndim + 2) throw new ImageError(`${fn}(): batch must have a batch axis, a channel axis and ${ndim} spatial axes, got shape [${batch.shape.join(',')}]`);
  const transforms = ttaTransforms(batch.shape, ndim);
  let sum: Float64Array | null = null;
  let shape: number[] = [];
  for (const t of transforms) {
    const output = await predict(t.forward(batch));
    if (typeof output !== 'object' || output === null || !isTypedArray(output.data)) {
      throw new ImageError(`${fn}(): predict returned ${typeName(output)} for the ${t.name} batch; it must return an array { data, shape }`);
    }
    const back = t.inverse(output);
    if (sum === null) {
      sum = new Float64Array(back.data.length);
      shape = back.shape;
    } else if (back.shape.length !== shape.length || back.shape.some((s, i) => s !== shape[i])) {
      throw new ImageError(`${fn}(): the ${t.name} prediction has shape [${back.shape.join(',')}] once transformed back, but the identity one has [${shape.join(',')}]`);
    }
    const v = back.data;
    for (let i = 0; i < v.length; i++) sum[i] += v[i];
  }
  const data = new Float32Array(sum!.length);
  for (let i = 0; i < data.length; i++) data[i] = sum![i] / transforms.length;
  return { data, shape };
}
