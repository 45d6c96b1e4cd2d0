import { ImageError } from './image-error';
import { sizeOf } from './ndarray';
import type { NdArray, TypedArray } from './types';

/** Typed arrays that can hold labels: integers only. */
export type IntegerArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;

/** Anything with a numeric index and a length, so loops stay monomorphic over typed arrays. */
export type Numeric = ArrayLike<number>;

export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !isBigIntArray(value);
}

function isBigIntArray(value: unknown): boolean {
  return value instanceof BigInt64Array || value instanceof BigUint64Array;
}

export function isIntegerArray(value: unknown): value is IntegerArray {
  return (
    value instanceof Int32Array ||
    value instanceof Uint8Array ||
    value instanceof Uint16Array ||
    value instanceof Int16Array ||
    value instanceof Uint32Array ||
    value instanceof Int8Array
  );
}

export function isSignedArray(value: TypedArray): value is Int8Array | Int16Array | Int32Array {
  return value instanceof Int8Array || value instanceof Int16Array || value instanceof Int32Array;
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'a JS array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}

/**
 * Check a `{data, shape}` image argument: a typed array in C order whose length matches the shape,
 * 2D or 3D unless `ndims` says otherwise. Zero-sized axes are allowed (an empty image).
 */
export function checkImage(fn: string, arg: string, image: unknown, ndims: readonly number[] = [2, 3]): asserts image is NdArray {
  const where = `${fn}(): ${arg}`;
  if (typeof image !== 'object' || image === null) {
    throw new ImageError(`${where} must be an image { data, shape }, got ${typeName(image)}`);
  }
  const { data, shape } = image as Partial<NdArray>;
  if (!isTypedArray(data)) {
    throw new ImageError(`${where}.data must be a typed array (Uint8Array, Int32Array, Float32Array, ...), got ${typeName(data)}`, {
      hint: 'images are flat typed arrays in C order plus a shape, never nested JS arrays',
    });
  }
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0)) {
    throw new ImageError(`${where}.shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!ndims.includes(shape.length)) {
    throw new ImageError(`${where} must be ${ndims.map((d) => `${d}D`).join(' or ')} ([y,x] or [z,y,x]), got shape [${shape.join(',')}]`);
  }
  if (sizeOf(shape) !== data.length) {
    throw new ImageError(`${where} has shape [${shape.join(',')}] (${sizeOf(shape)} voxels) but ${data.length} values`);
  }
}

export function checkSameShape(fn: string, argA: string, a: NdArray, argB: string, b: NdArray): void {
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) {
    throw new ImageError(`${fn}(): ${argB} has shape [${b.shape.join(',')}] but ${argA} has shape [${a.shape.join(',')}]; they must match`);
  }
}

/** A label image: integers (never floats), none negative; 0 is background. */
export function checkLabelImage(fn: string, arg: string, image: unknown, ndims?: readonly number[]): asserts image is NdArray<IntegerArray> {
  checkImage(fn, arg, image, ndims);
  const data = image.data;
  if (!isIntegerArray(data)) {
    throw new ImageError(
      `${fn}(): ${arg} must hold integer labels (Uint8/16/32 or Int8/16/32 array), got ${typeName(data)}`,
      { hint: 'round or relabel the image first (label() numbers the objects of a mask)' },
    );
  }
  if (isSignedArray(data)) {
    const min = minOf(data);
    if (min < 0) throw new ImageError(`${fn}(): ${arg} holds a negative label (${min}); labels must be 0 (background) or positive`);
  }
}

/** Smallest value; Int32 (the usual label type) gets its own loop so this scan stays monomorphic and fast. */
function minOf(data: Int8Array | Int16Array | Int32Array): number {
  return data instanceof Int32Array ? minOfInt32(data) : minOfAny(data);
}

function minOfInt32(data: Int32Array): number {
  let min = 0;
  for (let i = 0; i < data.length; i++) if (data[i] < min) min = data[i];
  return min;
}

function minOfAny(data: Numeric): number {
  let min = 0;
  for (let i = 0; i < data.length; i++) if (data[i] < min) min = data[i];
  return min;
}

/** Optional mask argument: null/undefined means "everywhere"; otherwise an image of the same shape. */
export function checkOptionalMask(fn: string, arg: string, mask: unknown, like: NdArray, likeArg: string): NdArray | null {
  if (mask === null || mask === undefined) return null;
  checkImage(fn, arg, mask);
  checkSameShape(fn, likeArg, like, arg, mask);
  return mask;
}

/** Options must be an object (or omitted). */
export function optionsObject<T extends object>(fn: string, options: unknown): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ImageError(`${fn}(): options must be an object, got ${typeName(options)}`);
  }
  return options as Partial<T>;
}

export function checkConnectivity(fn: string, connectivity: unknown, ndim: number, fallback: number): number {
  const c = connectivity ?? fallback;
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > Math.max(ndim, 1)) {
    throw new ImageError(`${fn}(): connectivity must be an integer from 1 (faces) to ${ndim} (corners) for a ${ndim}D image, got ${JSON.stringify(c)}`);
  }
  return c;
}

/** Voxel size per axis; defaults to 1. Must be positive and finite, one per axis. */
export function checkSpacing(fn: string, spacing: unknown, ndim: number): number[] {
  if (spacing === undefined || spacing === null) return new Array<number>(ndim).fill(1);
  const list = typeof spacing === 'number' ? new Array<number>(ndim).fill(spacing) : spacing;
  if (!Array.isArray(list) || list.length !== ndim || list.some((s) => typeof s !== 'number' || !(s > 0) || !Number.isFinite(s))) {
    throw new ImageError(`${fn}(): spacing must be ${ndim} positive numbers (one per axis, [z,]y,x), got ${JSON.stringify(spacing)}`);
  }
  return list as number[];
}

export function checkNumber(fn: string, name: string, value: unknown, { min, integer = false }: { min?: number; integer?: boolean } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || (min !== undefined && value < min)) {
    const kind = integer ? 'an integer' : 'a finite number';
    throw new ImageError(`${fn}(): ${name} must be ${kind}${min !== undefined ? ` ≥ ${min}` : ''}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Shape as [Z, Y, X] with Z = 1 for 2D images, so one code path serves both. */
export function asZyx(shape: readonly number[]): [number, number, number] {
  return shape.length === 3 ? [shape[0], shape[1], shape[2]] : [1, shape[0], shape[1]];
}

