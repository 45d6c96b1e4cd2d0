import { BioimageioError } from './errors';
import { allocate, bytesPerElement, dtypeOf, elementCount, type DType, type NdArray } from './ndarray';
import { excerptText, quote } from './printable';

/**
 * numpy's `.npy` format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic `\x93NUMPY`, version, a Python-literal header dict, then the raw C-order data.
 * Pure: bytes in, array out.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** numpy type codes (`descr` without the byte-order character) and the dtype they hold. */
const CODE_TO_DTYPE: Record<string, DType> = {
  f4: 'float32',
  f8: 'float64',
  u1: 'uint8',
  i1: 'int8',
  u2: 'uint16',
  i2: 'int16',
  u4: 'uint32',
  i4: 'int32',
  u8: 'uint64',
  i8: 'int64',
  b1: 'bool'
};

const DTYPE_TO_DESCR: Record<DType, string> = {
  float32: '<f4',
  float64: '<f8',
  uint8: '|u1',
  int8: '|i1',
  uint16: '<u2',
  int16: '<i2',
  uint32: '<u4',
  int32: '<i4',
  uint64: '<u8',
  int64: '<i8',
  bool: '|b1'
};

export interface NpyHeader {
  dtype: DType;
  shape: number[];
  /** Byte order of the stored data; big-endian data is swapped on read. */
  littleEndian: boolean;
  dataOffset: number;
}

/** Read the header of a `.npy` file; `file` names it in error messages. */
export function readNpyHeader(bytes: Uint8Array, file = '.npy data'): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new BioimageioError('not a .npy file (missing the \\x93NUMPY magic string)', { file });
  }
  const major = bytes[6];
  let headerLength: number;
  let headerStart: number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new BioimageioError('truncated .npy header', { file });
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new BioimageioError(`unsupported .npy format version ${major}.${bytes[7]} (1.0, 2.0 and 3.0 are read)`, { file });
  }
  if (headerStart + headerLength > bytes.length) throw new BioimageioError('truncated .npy header', { file });
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));

  const descrMatch = /'descr'\s*:\s*('([^']*)'|\[)/.exec(header);
  if (!descrMatch || descrMatch[1] === '[') {
    throw new BioimageioError(`structured or missing 'descr' in the .npy header (${excerptText(header.trim())}); only plain numeric arrays are read`, { file });
  }
  const descr = descrMatch[2];
  const order = descr[0];
  const code = descr.slice(1);
  if (code === 'O' || descr === 'O' || descr === '|O') {
    throw new BioimageioError("object arrays (dtype 'O') cannot be read: save the array with a numeric dtype, e.g. np.save(path, a.astype(np.float32))", { file });
  }
  const dtype = CODE_TO_DTYPE[code];
  if (!dtype || !'<>|='.includes(order)) {
    throw new BioimageioError(
      `unsupported .npy dtype ${quote(descr)} (supported: float32, float64, uint8/16/32/64, int8/16/32/64, bool)`,
      { file }
    );
  }
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  if (!fortran) throw new BioimageioError(`missing 'fortran_order' in the .npy header (${excerptText(header.trim())})`, { file });
  if (fortran[1] === 'True') {
    throw new BioimageioError('Fortran-order arrays are not read: save a C-order copy, e.g. np.save(path, np.ascontiguousarray(a))', { file });
  }
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!shapeMatch) throw new BioimageioError(`missing 'shape' in the .npy header (${excerptText(header.trim())})`, { file });
  const shape = shapeMatch[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw new BioimageioError(`invalid shape entry ${quote(s)} in the .npy header`, { file });
      return n;
    });
  return { dtype, shape, littleEndian: order !== '>', dataOffset: headerStart + headerLength };
}

/** Decode a `.npy` file into an array (a copy: the result does not alias `bytes`). */
export function readNpy(bytes: Uint8Array, file = '.npy data'): NdArray {
  const header = readNpyHeader(bytes, file);
  const count = elementCount(header.shape);
  const width = bytesPerElement(header.dtype);
  const byteLength = count * width;
  if (bytes.length - header.dataOffset < byteLength) {
    throw new BioimageioError(
      `truncated .npy data: shape (${header.shape.join(', ')}) of ${header.dtype} needs ${byteLength} bytes, the file holds ${bytes.length - header.dataOffset}`,
      { file }
    );
  }
  // Copy into a fresh buffer: the source may sit at an offset that is not a multiple of the
  // element width (typed-array views require alignment), and big-endian data must be swapped.
  const raw = bytes.slice(header.dataOffset, header.dataOffset + byteLength);
  if (!header.littleEndian && width > 1) {
    for (let i = 0; i < raw.length; i += width) raw.subarray(i, i + width).reverse();
  }
  const data = allocate(header.dtype, 0).constructor as new (buffer: ArrayBuffer) => NdArray['data'];
  const array: NdArray = { data: new data(raw.buffer), shape: header.shape };
  if (header.dtype === 'bool') array.dtype = 'bool';
  return array;
}

/** Encode an array as a version 1.0 `.npy` file, byte for byte what `np.save` writes. */
export function writeNpy(array: NdArray): Uint8Array {
  const dtype = dtypeOf(array);
  const count = elementCount(array.shape);
  if (array.data.length !== count) {
    throw new BioimageioError(`array data holds ${array.data.length} elements, shape [${array.shape.join(', ')}] needs ${count}`);
  }
  const shapeText = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${DTYPE_TO_DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // As numpy >= 1.24: room for the first axis to grow to 21 digits in place, then spaces and a
  // newline so the data starts on a 64-byte boundary (a full 64 when already aligned).
  if (array.shape.length > 0) header += ' '.repeat(Math.max(0, 21 - String(array.shape[0]).length));
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  if (header.length > 0xffff) throw new BioimageioError('array shape too long for a .npy 1.0 header');
  const width = bytesPerElement(dtype);
  const out = new Uint8Array(10 + header.length + count * width);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  // Typed arrays use the platform byte order; every platform Node and browsers run on is little-endian.
  const d = array.data;
  out.set(new Uint8Array(d.buffer, d.byteOffset, count * width), 10 + header.length);
  return out;
}
