/**
 * The minimal n-dimensional array biaflow passes around: a typed array in C order and its shape.
 * `dtype` is only needed where the typed array cannot tell it (a `bool` tensor is a Uint8Array);
 * the lead will point this at biaflow's shared `NdArray` type later.
 */
export type DType =
  | 'float32'
  | 'float64'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'uint32'
  | 'int32'
  | 'uint64'
  | 'int64'
  | 'bool';

export type TypedArray =
  | Float32Array
  | Float64Array
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | BigUint64Array
  | BigInt64Array;

export interface NdArray<T extends TypedArray = TypedArray> {
  data: T;
  shape: number[];
  /** Set for `bool` tensors (stored as 0/1 in a Uint8Array); otherwise read from the typed array. */
  dtype?: DType;
}

export const DTYPES: readonly DType[] = ['float32', 'float64', 'uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'uint64', 'int64', 'bool'];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

/** The dtype of an array: its explicit tag, else the element type of its typed array. */
export function dtypeOf(array: NdArray): DType {
  if (array.dtype) return array.dtype;
  // By the typed array's tag, not `instanceof`: arrays from another realm (a worker, a vm
  // context, a native addon) have other constructors but the same tag.
  const dtype = TAG_TO_DTYPE[(array.data as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] ?? ''];
  if (!dtype) throw new TypeError(`unsupported array data (${Object.prototype.toString.call(array.data)}); expected a typed array`);
  return dtype;
}

const TAG_TO_DTYPE: Record<string, DType> = {
  Float32Array: 'float32',
  Float64Array: 'float64',
  Uint8Array: 'uint8',
  Uint8ClampedArray: 'uint8',
  Int8Array: 'int8',
  Uint16Array: 'uint16',
  Int16Array: 'int16',
  Uint32Array: 'uint32',
  Int32Array: 'int32',
  BigUint64Array: 'uint64',
  BigInt64Array: 'int64'
};

/** A zero-filled typed array able to hold `dtype`. */
export function allocate(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'uint16':
      return new Uint16Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'uint32':
      return new Uint32Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'uint64':
      return new BigUint64Array(length);
    case 'int64':
      return new BigInt64Array(length);
  }
}

export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : allocate(dtype, 0).BYTES_PER_ELEMENT;
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** C-order strides (in elements) of `shape`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * The values as float64 numbers: arithmetic on 64-bit integer tensors goes through Number
 * (exact up to 2^53, which covers every image value in practice).
 */
export function toFloat64(array: NdArray): Float64Array {
  const d = array.data;
  const tag = (d as { [Symbol.toStringTag]?: string })[Symbol.toStringTag];
  if (tag === 'BigInt64Array' || tag === 'BigUint64Array') {
    const out = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
    return out;
  }
  return tag === 'Float64Array' ? (d as Float64Array) : Float64Array.from(d as ArrayLike<number>);
}

/** Element `i` as a number, whatever the typed array. */
export function valueAt(data: TypedArray, i: number): number {
  const v = data[i];
  return typeof v === 'bigint' ? Number(v) : v;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}
