import { ImageError } from '@biaflow/image';
import { defaultAxes, validateAxes } from '@biaflow/image';
import { applyHorizontalPredictor } from '../predictor';
import { bytesOf, dtypeOf, isFloat, isSigned, product } from '@biaflow/image';
import { transpose } from '@biaflow/image';
import type { DType, NdArray, TypedArray } from '@biaflow/image';
import { formatImageJDescription } from './imagej-metadata';
import { FieldType, Tag } from './tags';
import { fflateZlib } from '../fflate-zlib';
import type { Zlib } from '../zlib';

export interface TiffWriteInput extends NdArray {
  axes?: string;
  spacing?: (number | null)[];
  dtype?: DType;
  /** Seconds between time points (ImageJ `finterval`). */
  frameInterval?: number;
}

export interface TiffWriteOptions {
  compression?: 'none' | 'deflate';
  /** zlib level for deflate (1 fastest … 9 smallest); default 6. */
  level?: number;
  /** The deflate codec (default: the pure-JS one; Node's adapter passes Node's zlib). */
  zlib?: Zlib;
}

/** True on a little-endian machine (every platform biaflow runs on; the writer assumes it). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** ASCII tag text as TIFF stores it: one byte per UTF-16 unit (its low byte, as Latin-1 encoding does), NUL-terminated. */
function latin1z(text: string): Uint8Array {
  const out = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Strips of about this many uncompressed bytes: small enough for partial reads, big enough for deflate. */
const STRIP_BYTES = 256 * 1024;
const MAX_CLASSIC_TIFF = 2 ** 32 - 1;

/**
 * Encode an array as an ImageJ hyperstack TIFF (little-endian, classic TIFF, one IFD per plane,
 * planes in ImageJ's TZC order with all pixel data contiguous, so ImageJ's own reader can open it
 * from the first IFD). Any axis order is accepted and transposed to TZCYX; uint8 `S` of 3 stays RGB,
 * other `S` axes become channels.
 */
export function encodeTiff(file: string, image: TiffWriteInput, options: TiffWriteOptions = {}): Uint8Array[] {
  if (!LITTLE_ENDIAN) throw new ImageError('writing TIFF on a big-endian machine is not supported', { file });
  const dtype = dtypeOf(image.data);
  if (image.dtype !== undefined && image.dtype !== dtype) {
    throw new ImageError(`dtype '${image.dtype}' does not match the data (${dtype})`, { file });
  }
  const n = product(image.shape);
  if (image.data.length !== n) {
    throw new ImageError(`data holds ${image.data.length} values but shape [${image.shape.join(', ')}] needs ${n}`, { file });
  }
  let axes = validateAxes(image.axes ?? defaultAxes(image.shape.length, file), image.shape, file);
  const spacingOf = (ax: string): number | null => {
    const i = axes.indexOf(ax);
    const v = i >= 0 && image.spacing && image.spacing.length === axes.length ? image.spacing[i] : null;
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
  };
  const sx = spacingOf('X');
  const sy = spacingOf('Y');
  const sz = spacingOf('Z');

  let array: NdArray = { data: image.data, shape: image.shape };
  const sIndex = axes.indexOf('S');
  const rgb = sIndex >= 0 && dtype === 'uint8' && image.shape[sIndex] === 3;
  if (sIndex >= 0 && !rgb) {
    if (axes.includes('C')) throw new ImageError(`axes '${axes}' have both C and S; name only one channel axis`, { file });
    axes = axes.replace('S', 'C');
  }
  // Canonical order T Z C Y X (S): transpose the axes present, the absent ones have length 1.
  const order = rgb ? 'TZCYXS' : 'TZCYX';
  const present = [...order].filter((a) => axes.includes(a));
  array = transpose(array, present.map((a) => axes.indexOf(a)));
  const size = (a: string) => (axes.includes(a) ? image.shape[axes.indexOf(a)] : 1);
  const [T, Z, C, Y, X] = ['T', 'Z', 'C', 'Y', 'X'].map(size);
  const spp = rgb ? 3 : 1;
  const nPages = T * Z * C;
  if (Y === 0 || X === 0 || nPages === 0) throw new ImageError(`cannot write an empty image of shape [${image.shape.join(', ')}]`, { file });

  const description = formatImageJDescription({
    channels: C,
    slices: Z,
    frames: T,
    unit: sx !== null || sy !== null || sz !== null ? 'micron' : undefined,
    spacing: sz ?? undefined,
    finterval: image.frameInterval !== undefined && image.frameInterval > 0 ? image.frameInterval : undefined,
  });

  const compress = options.compression === 'deflate';
  const predictor = compress && !isFloat(dtype) && dtype !== 'uint8' ? 2 : 1;
  const bps = array.data.BYTES_PER_ELEMENT;
  const rowElems = X * spp;
  const rowBytes = rowElems * bps;
  const rowsPerStrip = Math.max(1, Math.min(Y, Math.floor(STRIP_BYTES / rowBytes)));
  const stripsPerPage = Math.ceil(Y / rowsPerStrip);
  const planeElems = Y * rowElems;

  // Strip payloads of all pages, in order; uncompressed strips are views, not copies.
  const strips: Uint8Array[] = [];
  for (let p = 0; p < nPages; p++) {
    for (let s = 0; s < stripsPerPage; s++) {
      const r0 = s * rowsPerStrip;
      const rows = Math.min(rowsPerStrip, Y - r0);
      const part = array.data.subarray(p * planeElems + r0 * rowElems, p * planeElems + (r0 + rows) * rowElems) as TypedArray;
      if (!compress) {
        strips.push(bytesOf(part));
        continue;
      }
      let src = part;
      if (predictor === 2) {
        src = part.slice() as TypedArray;
        applyHorizontalPredictor(src, rows, rowElems, spp);
      }
      strips.push((options.zlib ?? fflateZlib).deflate(bytesOf(src), options.level ?? 6));
    }
  }

  const common: Entry[] = [
    { tag: Tag.NewSubfileType, type: FieldType.LONG, values: [0] },
    { tag: Tag.ImageWidth, type: FieldType.LONG, values: [X] },
    { tag: Tag.ImageLength, type: FieldType.LONG, values: [Y] },
    { tag: Tag.BitsPerSample, type: FieldType.SHORT, values: new Array(spp).fill(bps * 8) },
    { tag: Tag.Compression, type: FieldType.SHORT, values: [compress ? 8 : 1] },
    { tag: Tag.Photometric, type: FieldType.SHORT, values: [rgb ? 2 : 1] },
    { tag: Tag.SamplesPerPixel, type: FieldType.SHORT, values: [spp] },
    { tag: Tag.RowsPerStrip, type: FieldType.LONG, values: [rowsPerStrip] },
    ...(sx !== null || sy !== null
      ? [
          { tag: Tag.XResolution, type: FieldType.RATIONAL, values: rational(1 / (sx ?? sy!)) },
          { tag: Tag.YResolution, type: FieldType.RATIONAL, values: rational(1 / (sy ?? sx!)) },
        ]
      : []),
    ...(rgb ? [{ tag: Tag.PlanarConfiguration, type: FieldType.SHORT, values: [1] }] : []),
    { tag: Tag.ResolutionUnit, type: FieldType.SHORT, values: [1] },
    ...(predictor === 2 ? [{ tag: Tag.Predictor, type: FieldType.SHORT, values: [2] }] : []),
    {
      tag: Tag.SampleFormat,
      type: FieldType.SHORT,
      values: new Array(spp).fill(isFloat(dtype) ? 3 : isSigned(dtype) ? 2 : 1),
    },
  ];

  // Layout: header | IFD 0 (+ its values) | all strips, contiguous | IFDs 1..n-1 (+ values).
  // Pixel data starts on a 16-byte boundary so readers can view it in place as a typed array.
  const firstIfd = buildIfd([...common, { tag: Tag.ImageDescription, type: FieldType.ASCII, text: description }], stripsPerPage);
  const otherIfd = buildIfd(common, stripsPerPage);
  const dataStart = align16(8 + firstIfd.size);
  let dataBytes = 0;
  for (const s of strips) dataBytes += s.length;
  const dataEnd = dataStart + dataBytes + (dataBytes & 1); // IFDs on word boundaries
  const total = dataEnd + (nPages - 1) * otherIfd.size;
  if (total > MAX_CLASSIC_TIFF) {
    throw new ImageError(
      `image too large for one TIFF file (${(total / 2 ** 30).toFixed(1)} GiB; limit 4 GiB): split it or use compression`,
      { file },
    );
  }
  const stripOffsets: number[] = [];
  let at = dataStart;
  for (const s of strips) {
    stripOffsets.push(at);
    at += s.length;
  }
  const countsOf = (p: number) => strips.slice(p * stripsPerPage, (p + 1) * stripsPerPage).map((s) => s.length);
  const offsetsOf = (p: number) => stripOffsets.slice(p * stripsPerPage, (p + 1) * stripsPerPage);

  const head = new Uint8Array(dataStart);
  const headView = new DataView(head.buffer);
  head[0] = 0x49;
  head[1] = 0x49;
  headView.setUint16(2, 42, true);
  headView.setUint32(4, 8, true);
  firstIfd.write(headView, head, 8, 0, nPages > 1 ? dataEnd : 0, offsetsOf(0), countsOf(0));

  const tail = new Uint8Array(total - dataEnd + (dataBytes & 1));
  const tailView = new DataView(tail.buffer);
  const tailBase = dataEnd - (dataBytes & 1); // tail[0] is the pad byte when there is one
  for (let p = 1; p < nPages; p++) {
    const ifdAt = dataEnd + (p - 1) * otherIfd.size;
    const next = p + 1 < nPages ? ifdAt + otherIfd.size : 0;
    otherIfd.write(tailView, tail, ifdAt - tailBase, tailBase, next, offsetsOf(p), countsOf(p));
  }
  // The parts in file order; strips of uncompressed data are views of the caller's array (no copy).
  return [head, ...strips, tail];
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}

interface Entry {
  tag: number;
  type: number;
  values?: number[];
  text?: string;
}

/** Best rational approximation with 32-bit numerator and denominator (continued fractions). */
function rational(v: number): number[] {
  const LIMIT = 2 ** 32 - 1;
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let x = v;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(x);
    const h2 = a * h1 + h0;
    const k2 = a * k1 + k0;
    if (h2 > LIMIT || k2 > LIMIT) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    const frac = x - a;
    if (frac < 1e-15 || Math.abs(h1 / k1 - v) <= Math.abs(v) * 1e-16) break;
    x = 1 / frac;
  }
  return [h1, k1];
}

/**
 * One IFD's byte layout: the entries (sorted by tag, as the spec requires) followed by the values
 * that do not fit in an entry. Strip offsets and byte counts are filled at write time.
 */
function buildIfd(entries: Entry[], stripsPerPage: number) {
  const all: Entry[] = [
    ...entries,
    { tag: Tag.StripOffsets, type: FieldType.LONG, values: new Array(stripsPerPage).fill(0) },
    { tag: Tag.StripByteCounts, type: FieldType.LONG, values: new Array(stripsPerPage).fill(0) },
  ].sort((a, b) => a.tag - b.tag);
  const encoded = all.map((e) => {
    const bytes = e.text !== undefined ? latin1z(e.text) : undefined;
    const count = bytes ? bytes.length : e.type === FieldType.RATIONAL ? e.values!.length / 2 : e.values!.length;
    const unit = e.type === FieldType.SHORT ? 2 : e.type === FieldType.RATIONAL ? 8 : e.type === FieldType.ASCII ? 1 : 4;
    return { ...e, bytes, count, byteSize: count * unit };
  });
  const head = 2 + 12 * encoded.length + 4;
  let extra = 0;
  const extraAt = encoded.map((e) => {
    if (e.byteSize <= 4) return -1;
    const o = extra;
    extra += e.byteSize + (e.byteSize & 1);
    return o;
  });
  const size = head + extra;
  return {
    size,
    /** Write at `at` inside `out`, whose first byte sits at file offset `base`. */
    write(dv: DataView, out: Uint8Array, at: number, base: number, next: number, offsets: number[], counts: number[]) {
      dv.setUint16(at, encoded.length, true);
      encoded.forEach((e, i) => {
        const ent = at + 2 + 12 * i;
        dv.setUint16(ent, e.tag, true);
        dv.setUint16(ent + 2, e.type, true);
        dv.setUint32(ent + 4, e.count, true);
        const values = e.tag === Tag.StripOffsets ? offsets : e.tag === Tag.StripByteCounts ? counts : e.values;
        let vAt = ent + 8;
        if (extraAt[i] >= 0) {
          vAt = at + head + extraAt[i];
          dv.setUint32(ent + 8, base + vAt, true);
        }
        if (e.bytes) out.set(e.bytes, vAt);
        else if (e.type === FieldType.SHORT) values!.forEach((v, k) => dv.setUint16(vAt + 2 * k, v, true));
        else values!.forEach((v, k) => dv.setUint32(vAt + 4 * k, v, true)); // LONG and RATIONAL halves
      });
      dv.setUint32(at + 2 + 12 * encoded.length, next, true);
    },
  };
}
