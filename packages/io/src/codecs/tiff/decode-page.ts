import { ImageError } from '@biaflow/image';
import { lzwDecode } from '../lzw';
import { packBitsDecode } from '../packbits';
import { halfToFloat, undoFloatPredictor, undoHorizontalPredictor } from '../predictor';
import { dtypeOf, viewTypedArray as view } from '@biaflow/image';
import type { TypedArray } from '@biaflow/image';
import type { TiffPage } from './page';
import { InflateLimitError, type Zlib } from '../zlib';

/** Number of output elements one page holds (`height * width * samples`). */
export function pageLength(p: TiffPage): number {
  return p.height * p.width * p.samplesPerPixel;
}

/**
 * Decode every strip/tile of `page` into `dest` starting at element `destStart`, in the page's own
 * layout (`YXS` chunky or `SYX` planar). `bytes` is the whole file.
 */
export function decodePage(
  file: string,
  bytes: Uint8Array,
  littleEndian: boolean,
  page: TiffPage,
  dest: TypedArray,
  destStart: number,
  zlib: Zlib,
): void {
  const across = Math.ceil(page.width / page.chunkWidth);
  const down = Math.ceil(page.height / page.chunkHeight);
  const perPlane = across * down;
  const planes = page.planar === 2 ? page.samplesPerPixel : 1;
  const spp = page.planar === 2 ? 1 : page.samplesPerPixel; // samples interleaved in one chunk
  const bytesPerSample = page.bilevel ? 0 : page.bitsPerSample / 8;
  const planeElems = page.height * page.width * spp;
  const destBytes = new Uint8Array(dest.buffer, dest.byteOffset, dest.byteLength);
  const outBps = dest.BYTES_PER_ELEMENT;

  for (let plane = 0; plane < planes; plane++) {
    for (let cc = 0; cc < perPlane; cc++) {
      const c = plane * perPlane + cc;
      const row0 = Math.floor(cc / across) * page.chunkHeight;
      const col0 = (cc % across) * page.chunkWidth;
      // Strips: the last one holds only the remaining rows; tiles are always full size.
      const rows = page.tiled ? page.chunkHeight : Math.min(page.chunkHeight, page.height - row0);
      const rowSamples = page.chunkWidth * spp;
      const rowBytes = page.bilevel ? Math.ceil(rowSamples / 8) : rowSamples * bytesPerSample;
      const want = rows * rowBytes;
      const where = `${page.tiled ? 'tile' : 'strip'} ${c} of page ${page.index}`;
      const raw = readChunk(file, bytes, page, c, want, page.chunkHeight * rowBytes, where, zlib);

      const destRow0 = destStart + plane * planeElems;
      const fastPath = !page.tiled && !page.bilevel && !page.float16 && page.predictor !== 3;
      if (fastPath) {
        // Strips span the full width, so the chunk is one contiguous run of the destination.
        const startElem = destRow0 + row0 * rowSamples;
        destBytes.set(raw.subarray(0, want), startElem * outBps);
        const region = view(dtypeOf(dest), dest.buffer, dest.byteOffset + startElem * outBps, rows * rowSamples);
        if (!littleEndian && outBps > 1) swapInPlace(region, outBps);
        if (page.predictor === 2) undoHorizontalPredictor(region, rows, rowSamples, spp);
        continue;
      }
      const chunk = chunkSamples(page, raw, rows, rowSamples, rowBytes, littleEndian, dest);
      const copyCols = Math.min(page.chunkWidth, page.width - col0) * spp;
      const copyRows = Math.min(rows, page.height - row0);
      for (let r = 0; r < copyRows; r++) {
        const src = r * rowSamples;
        dest.set(chunk.subarray(src, src + copyCols), destRow0 + (row0 + r) * page.width * spp + col0 * spp);
      }
    }
  }
}

/** `want` bytes are needed; a whole chunk (`most`, when the last strip is padded to full height) is the most any may decode to. */
function readChunk(file: string, bytes: Uint8Array, page: TiffPage, c: number, want: number, most: number, where: string, zlib: Zlib): Uint8Array {
  const offset = page.offsets[c];
  let count = page.byteCounts ? page.byteCounts[c] : want;
  if (page.compression === 1 && count < want) count = want; // some writers store 0 or short counts for raw data
  if (offset + count > bytes.length) {
    if (page.compression === 1 || offset >= bytes.length) {
      throw new ImageError(
        `truncated TIFF: ${where} needs bytes ${offset}..${offset + count} but the file ends at ${bytes.length}`,
        { file },
      );
    }
    count = bytes.length - offset; // let the codec fail with a clearer message, or succeed on slack
  }
  const input = bytes.subarray(offset, offset + count);
  if (page.compression === 1) return input;
  let out: Uint8Array;
  let got: number;
  try {
    switch (page.compression) {
      case 8:
      case 32946: {
        // Bounded: a strip that inflates past a whole chunk is a decompression bomb, not image data.
        out = zlib.inflate(input, Math.max(most, want));
        got = out.length;
        break;
      }
      case 5:
        out = new Uint8Array(want);
        got = lzwDecode(input, out);
        break;
      case 32773:
        out = new Uint8Array(want);
        got = packBitsDecode(input, out);
        break;
      default:
        throw new Error(`compression ${page.compression}`);
    }
  } catch (e) {
    if (e instanceof InflateLimitError) {
      throw new ImageError(`corrupt TIFF: deflate data of ${where} inflates to more than the ${Math.max(most, want)} bytes it can hold`, { file, cause: e });
    }
    const reason = e instanceof Error ? e.message : String(e);
    const name = { 5: 'LZW', 8: 'deflate', 32946: 'deflate', 32773: 'PackBits' }[page.compression];
    throw new ImageError(`corrupt or truncated TIFF: ${name} data of ${where} does not decode (${reason})`, { file, cause: e });
  }
  if (got < want) {
    throw new ImageError(`corrupt or truncated TIFF: ${where} decodes to ${got} bytes, ${want} expected`, { file });
  }
  return out;
}

/** Decoded bytes of one chunk → native-order samples with predictors undone and float16 widened. */
function chunkSamples(
  page: TiffPage,
  raw: Uint8Array,
  rows: number,
  rowSamples: number,
  rowBytes: number,
  littleEndian: boolean,
  dest: TypedArray,
): TypedArray {
  const n = rows * rowSamples;
  if (page.bilevel) {
    const out = new Uint8Array(n);
    for (let r = 0; r < rows; r++) {
      const src = r * rowBytes;
      const o = r * rowSamples;
      for (let i = 0; i < rowSamples; i++) out[o + i] = (raw[src + (i >> 3)] >> (7 - (i & 7))) & 1;
    }
    return out;
  }
  const bps = page.bitsPerSample / 8;
  const spp = page.planar === 2 ? 1 : page.samplesPerPixel;
  // Fresh, aligned copy: the chunk is modified in place below and may not be aligned in the file.
  const nativeBytes = new Uint8Array(n * bps);
  if (page.predictor === 3) {
    undoFloatPredictor(Uint8Array.from(raw.subarray(0, n * bps)), nativeBytes, rows, rowSamples, bps, spp);
  } else {
    nativeBytes.set(raw.subarray(0, n * bps));
  }
  const storage = page.float16 ? new Uint16Array(nativeBytes.buffer) : view(dtypeOf(dest), nativeBytes.buffer, 0, n);
  if (page.predictor !== 3 && !littleEndian && bps > 1) swapInPlace(storage, bps);
  if (page.predictor === 2) undoHorizontalPredictor(storage, rows, rowSamples, spp);
  if (page.float16) {
    const f = new Float32Array(n);
    halfToFloat(storage as Uint16Array, f);
    return f;
  }
  return storage;
}

/** Reverse the byte order of each `bytes`-wide sample (big-endian files on this little-endian machine). */
function swapInPlace(a: TypedArray, bytes: number): void {
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  for (let i = 0; i + bytes <= b.length; i += bytes) {
    for (let lo = i, hi = i + bytes - 1; lo < hi; lo++, hi--) {
      const t = b[lo];
      b[lo] = b[hi];
      b[hi] = t;
    }
  }
}
