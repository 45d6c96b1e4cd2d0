import { ImageError } from '@biaflow/image';
import { FIELD_SIZE, FieldType } from './tags';

/** One decoded tag value: numbers for numeric types, text for ASCII, raw bytes for UNDEFINED. */
export type TagValue = number[] | string | Uint8Array;

/** One Image File Directory: its tags, decoded. */
export interface Ifd {
  offset: number;
  tags: Map<number, TagValue>;
}

/** A TIFF file's container: byte order, classic or BigTIFF, and every IFD of the main chain. */
export interface TiffContainer {
  file: string;
  bytes: Uint8Array;
  littleEndian: boolean;
  bigTiff: boolean;
  ifds: Ifd[];
}

/** Bounds-checked reads from the file buffer; every failure becomes an ImageError naming the file. */
export class TiffBytes {
  readonly view: DataView;

  constructor(
    readonly file: string,
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  check(offset: number, length: number, what: string): void {
    if (offset < 0 || !Number.isFinite(offset) || offset + length > this.bytes.length) {
      throw new ImageError(
        `truncated or corrupt TIFF: ${what} at byte ${offset} (+${length}) lies beyond the end of the file (${this.bytes.length} bytes)`,
        { file: this.file },
      );
    }
  }

  u16(o: number): number {
    return this.view.getUint16(o, this.littleEndian);
  }
  u32(o: number): number {
    return this.view.getUint32(o, this.littleEndian);
  }
  u64(o: number): number {
    const v = this.view.getBigUint64(o, this.littleEndian);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ImageError(`corrupt TIFF: 64-bit offset ${v} is out of range`, { file: this.file });
    }
    return Number(v);
  }
}

const MAX_IFDS = 1_000_000;
// As Buffer's utf8 decoding: invalid bytes become U+FFFD, and a leading BOM is kept.
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Parse the header and the chain of IFDs (not the pixel data). */
export function parseTiffContainer(file: string, bytes: Uint8Array): TiffContainer {
  const order = bytes.length >= 2 ? String.fromCharCode(bytes[0], bytes[1]) : '';
  if (order !== 'II' && order !== 'MM') {
    throw new ImageError('not a TIFF file: it does not start with the TIFF byte-order mark (II or MM)', { file });
  }
  if (bytes.length < 16) {
    throw new ImageError(`truncated TIFF: only ${bytes.length} bytes, not even a header and one image directory`, { file });
  }
  const r = new TiffBytes(file, bytes, order === 'II');
  const magic = r.u16(2);
  let bigTiff: boolean;
  let next: number;
  if (magic === 42) {
    bigTiff = false;
    next = r.u32(4);
  } else if (magic === 43) {
    bigTiff = true;
    r.check(0, 16, 'BigTIFF header');
    if (r.u16(4) !== 8) throw new ImageError('corrupt BigTIFF header: offset size is not 8', { file });
    next = r.u64(8);
  } else {
    throw new ImageError(`not a TIFF file: version number ${magic} is neither 42 (TIFF) nor 43 (BigTIFF)`, { file });
  }

  const ifds: Ifd[] = [];
  const seen = new Set<number>();
  while (next !== 0) {
    if (seen.has(next)) break; // a loop in the IFD chain: stop rather than hang
    if (ifds.length >= MAX_IFDS) throw new ImageError(`corrupt TIFF: more than ${MAX_IFDS} IFDs`, { file });
    // An IFD beyond the end: the file was cut short (an interrupted copy or write). Reading the
    // pages before it would silently return a shorter stack, so this is an error.
    r.check(next, bigTiff ? 8 : 2, `image directory (IFD) ${ifds.length}`);
    seen.add(next);
    const { ifd, nextOffset } = readIfd(r, next, bigTiff);
    ifds.push(ifd);
    next = nextOffset;
  }
  if (ifds.length === 0) throw new ImageError('not a TIFF file: no image directory', { file });
  return { file, bytes, littleEndian: r.littleEndian, bigTiff, ifds };
}

function readIfd(r: TiffBytes, offset: number, bigTiff: boolean): { ifd: Ifd; nextOffset: number } {
  const entrySize = bigTiff ? 20 : 12;
  const n = bigTiff ? r.u64(offset) : r.u16(offset);
  const first = offset + (bigTiff ? 8 : 2);
  r.check(first, n * entrySize + (bigTiff ? 8 : 4), `image directory (IFD) with ${n} entries`);
  const tags = new Map<number, TagValue>();
  for (let i = 0; i < n; i++) {
    const e = first + i * entrySize;
    const tag = r.u16(e);
    const type = r.u16(e + 2);
    const count = bigTiff ? r.u64(e + 4) : r.u32(e + 4);
    const size = FIELD_SIZE[type];
    if (size === undefined) continue; // unknown field type: the spec says skip it
    const total = size * count;
    const inlineSize = bigTiff ? 8 : 4;
    const valueAt = e + (bigTiff ? 12 : 8);
    const dataOffset = total <= inlineSize ? valueAt : bigTiff ? r.u64(valueAt) : r.u32(valueAt);
    if (dataOffset + total > r.bytes.length) {
      // A tag pointing past the end: fatal only if the reader needs it, so record nothing for it.
      continue;
    }
    tags.set(tag, decodeValue(r, type, count, dataOffset));
  }
  const after = first + n * entrySize;
  const nextOffset = bigTiff ? r.u64(after) : r.u32(after);
  return { ifd: { offset, tags }, nextOffset };
}

function decodeValue(r: TiffBytes, type: number, count: number, at: number): TagValue {
  const v = r.view;
  const le = r.littleEndian;
  switch (type) {
    case FieldType.ASCII: {
      let end = at + count;
      while (end > at && r.bytes[end - 1] === 0) end--;
      return UTF8.decode(r.bytes.subarray(at, end));
    }
    case FieldType.UNDEFINED:
      return r.bytes.subarray(at, at + count);
  }
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    switch (type) {
      case FieldType.BYTE: out[i] = v.getUint8(at + i); break;
      case FieldType.SBYTE: out[i] = v.getInt8(at + i); break;
      case FieldType.SHORT: out[i] = v.getUint16(at + 2 * i, le); break;
      case FieldType.SSHORT: out[i] = v.getInt16(at + 2 * i, le); break;
      case FieldType.LONG:
      case FieldType.IFD: out[i] = v.getUint32(at + 4 * i, le); break;
      case FieldType.SLONG: out[i] = v.getInt32(at + 4 * i, le); break;
      case FieldType.RATIONAL: {
        const den = v.getUint32(at + 8 * i + 4, le);
        out[i] = den === 0 ? NaN : v.getUint32(at + 8 * i, le) / den;
        break;
      }
      case FieldType.SRATIONAL: {
        const den = v.getInt32(at + 8 * i + 4, le);
        out[i] = den === 0 ? NaN : v.getInt32(at + 8 * i, le) / den;
        break;
      }
      case FieldType.FLOAT: out[i] = v.getFloat32(at + 4 * i, le); break;
      case FieldType.DOUBLE: out[i] = v.getFloat64(at + 8 * i, le); break;
      case FieldType.LONG8:
      case FieldType.IFD8: out[i] = Number(v.getBigUint64(at + 8 * i, le)); break;
      case FieldType.SLONG8: out[i] = Number(v.getBigInt64(at + 8 * i, le)); break;
    }
  }
  return out;
}
