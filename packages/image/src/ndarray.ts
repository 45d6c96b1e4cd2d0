import type { NdArray, TypedArray } from './types';

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** C-order strides (in elements). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** A zero-filled typed array of the same kind as `like`. */
export function allocateLike<T extends TypedArray>(like: T, length: number): T {
  const ctor = like.constructor as new (n: number) => T;
  return new ctor(length);
}

/** A float32 copy (or the array itself when it already is float32 and `copy` is false). */
export function toFloat32(array: NdArray, copy = true): NdArray<Float32Array> {
  if (array.data instanceof Float32Array && !copy) return array as NdArray<Float32Array>;
  return { data: Float32Array.from(array.data as ArrayLike<number>), shape: [...array.shape] };
}

/**
 * numpy's `reflect` boundary: the edge sample is not repeated (`[a b c] → b | a b c | b`), and
 * offsets further than the axis is long keep reflecting, exactly like `np.pad(x, n, 'reflect')`.
 */
export function reflectIndex(i: number, n: number): number {
  if (i >= 0 && i < n) return i;
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/**
 * Split a channels-last array with `ndim` spatial axes into its spatial shape and the number of
 * values per pixel (channels, or 1 when the array has no channel axis).
 */
export function splitSpatial(array: NdArray, ndim: number): { spatial: number[]; inner: number } {
  const spatial = array.shape.slice(0, ndim);
  return { spatial, inner: sizeOf(array.shape.slice(ndim)) };
}

/**
 * Copy the box `[origin, origin + size)` of a channels-last array (any dtype), reading outside the
 * array with numpy-`reflect` indices, so a box may start before 0 or end past the edge.
 */
export function extractBox<T extends TypedArray>(array: NdArray<T>, ndim: number, origin: readonly number[], size: readonly number[]): NdArray<T> {
  const { spatial, inner } = splitSpatial(array, ndim);
  const out = allocateLike(array.data, sizeOf(size) * inner);
  const src = array.data;
  const strides = stridesOf(spatial).map((s) => s * inner);
  // Index maps per axis: precomputed once, so the copy loop is plain lookups.
  const maps = size.map((n, d) => {
    const m = new Int32Array(n);
    for (let i = 0; i < n; i++) m[i] = reflectIndex(origin[d] + i, spatial[d]) * strides[d];
    return m;
  });
  let o = 0;
  if (ndim === 2) {
    const [my, mx] = maps;
    for (let y = 0; y < size[0]; y++) {
      const row = my[y];
      for (let x = 0; x < size[1]; x++) {
        const base = row + mx[x];
        for (let c = 0; c < inner; c++) out[o++] = src[base + c];
      }
    }
  } else if (ndim === 3) {
    const [mz, my, mx] = maps;
    for (let z = 0; z < size[0]; z++) {
      for (let y = 0; y < size[1]; y++) {
        const row = mz[z] + my[y];
        for (let x = 0; x < size[2]; x++) {
          const base = row + mx[x];
          for (let c = 0; c < inner; c++) out[o++] = src[base + c];
        }
      }
    }
  } else {
    throw new RangeError(`extractBox supports 2 or 3 spatial axes (got ${ndim})`);
  }
  return { data: out, shape: [...size, ...array.shape.slice(ndim)] };
}
