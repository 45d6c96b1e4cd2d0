import type { DType, TypedArray } from '../types';

type TypedArrayConstructor =
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

const CONSTRUCTORS: Record<DType, TypedArrayConstructor> = {
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

export const DTYPES = Object.keys(CONSTRUCTORS) as DType[];

export function bytesPerElement(dtype: DType): number {
  return CONSTRUCTORS[dtype].BYTES_PER_ELEMENT;
}

/** A zero-filled typed array of `dtype`. */
export function allocate(dtype: DType, length: number): TypedArray {
  return new CONSTRUCTORS[dtype](length);
}

/** A typed array of `dtype` viewing `length` elements of `buffer` from `byteOffset` (no copy; offset must be aligned). */
export function view(dtype: DType, buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArray {
  return new CONSTRUCTORS[dtype](buffer as ArrayBuffer, byteOffset, length);
}

/** The dtype of a typed array (by constructor; a Node Buffer counts as uint8). */
export function dtypeOf(data: TypedArray): DType {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  throw new TypeError('not a supported typed array');
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function isSigned(dtype: DType): boolean {
  return dtype.startsWith('int');
}

/** Bytes of a typed array's elements, without copying. */
export function bytesOf(data: TypedArray): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}
