import { InflateLimitError, type Zlib } from './zlib';

/** A decoded PNG's samples, before they become an Image. */
export interface PngRaster {
  width: number;
  height: number;
  /** Samples per pixel as stored (palette images: 1, the indices). */
  channels: number;
  depth: 1 | 2 | 4 | 8 | 16;
  data: Uint8Array | Uint16Array;
  /** pHYs pixels per metre (x, y), when the unit is the metre. */
  pixelsPerMetre?: [number, number];
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Width, height and samples per pixel from the IHDR chunk (always the first), before any decoding; undefined when absent. */
export function pngHeader(bytes: Uint8Array): { width: number; height: number; channels: number } | undefined {
  if (bytes.length < 26) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]) !== 'IHDR') return undefined;
  const channels = CHANNELS[bytes[25]];
  return channels === undefined ? undefined : { width: dv.getUint32(16), height: dv.getUint32(20), channels };
}

/**
 * Decode a non-interlaced PNG with the given zlib (Node's native one in Node); returns undefined for interlaced (Adam7)
 * files, which the caller hands to fast-png. Throws Error with a plain message on corrupt data.
 * Why our own: fast-png inflates with pako (pure JS), about 3× slower on the 512×512 EM images.
 */
export function decodePngFast(bytes: Uint8Array, zlib: Zlib): PngRaster | undefined {
  for (let i = 0; i < 8; i++) if (bytes[i] !== SIGNATURE[i]) throw new Error('not a PNG signature');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = -1;
  let interlace = 0;
  let ppm: [number, number] | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (pos + 8 <= bytes.length) {
    const len = dv.getUint32(pos);
    const type = String.fromCharCode(bytes[pos + 4], bytes[pos + 5], bytes[pos + 6], bytes[pos + 7]);
    const body = pos + 8;
    if (body + len + 4 > bytes.length) throw new Error(`chunk ${type} runs past the end of the file`);
    const crc = dv.getUint32(body + len);
    if (zlib.crc32(bytes.subarray(pos + 4, body + len)) !== crc) throw new Error(`CRC mismatch in chunk ${type}`);
    if (type === 'IHDR') {
      width = dv.getUint32(body);
      height = dv.getUint32(body + 4);
      depth = bytes[body + 8];
      colorType = bytes[body + 9];
      interlace = bytes[body + 12];
    } else if (type === 'IDAT') {
      idat.push(bytes.subarray(body, body + len));
    } else if (type === 'pHYs' && len >= 9 && bytes[body + 8] === 1) {
      ppm = [dv.getUint32(body), dv.getUint32(body + 4)];
    } else if (type === 'IEND') {
      ended = true;
      break;
    }
    pos = body + len + 4;
  }
  if (!width || !height || CHANNELS[colorType] === undefined) throw new Error('missing or invalid IHDR chunk');
  if (![1, 2, 4, 8, 16].includes(depth)) throw new Error(`invalid bit depth ${depth}`);
  if (!ended || idat.length === 0) throw new Error('file ends before the IEND chunk');
  if (interlace !== 0) return undefined;

  const channels = CHANNELS[colorType];
  const bitsPerPixel = channels * depth;
  const bpp = Math.max(1, bitsPerPixel >> 3); // filter distance in bytes
  const rowBytes = Math.ceil((width * bitsPerPixel) / 8);
  const expected = height * (rowBytes + 1);
  let raw: Uint8Array;
  try {
    // Never inflate more than the header announces: image data that keeps going is a bomb, not a picture.
    raw = zlib.inflate(idat.length === 1 ? idat[0] : concat(idat), expected);
  } catch (e) {
    if (e instanceof InflateLimitError) throw new Error(`image data inflates to more than the ${expected} bytes the header announces`);
    throw new Error(`image data does not inflate (${(e as Error).message})`);
  }
  if (raw.length < expected) throw new Error(`image data holds ${raw.length} bytes, ${expected} expected`);

  // Unfilter in place in the inflated buffer, then close the gaps left by the filter-type bytes:
  // no second image-sized buffer (fresh memory is what costs most on large images). The first row
  // reads a zero row above, and the first `bpp` bytes of each row a zero pixel to the left:
  // separate loops, so the hot loops carry no bounds conditions.
  const zeros = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const src = y * (rowBytes + 1) + 1;
    const cur = raw.subarray(src, src + rowBytes);
    const prev = y > 0 ? raw.subarray(src - rowBytes - 1, src - 1) : zeros;
    unfilterRow(raw[src - 1], cur, prev, bpp, rowBytes, y);
  }
  for (let y = 0; y < height; y++) raw.copyWithin(y * rowBytes, y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
  const out = new Uint8Array(raw.buffer, raw.byteOffset, height * rowBytes);

  const n = width * height * channels;
  let data: Uint8Array | Uint16Array;
  if (depth === 8) data = out;
  else if (depth === 16) {
    data = new Uint16Array(n);
    for (let i = 0; i < n; i++) data[i] = (out[2 * i] << 8) | out[2 * i + 1]; // PNG is big-endian
  } else {
    data = new Uint8Array(n);
    const perRow = width * channels;
    const mask = (1 << depth) - 1;
    for (let y = 0; y < height; y++) {
      for (let i = 0; i < perRow; i++) {
        const bit = i * depth;
        data[y * perRow + i] = (out[y * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
      }
    }
  }
  return { width, height, channels, depth: depth as PngRaster['depth'], data, ...(ppm ? { pixelsPerMetre: ppm } : {}) };
}

/** Undo one row's filter in place (`cur` holds the filtered bytes and receives the result). */
function unfilterRow(filter: number, cur: Uint8Array, prev: Uint8Array, bpp: number, n: number, y: number): void {
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < n; i++) cur[i] = (cur[i] + cur[i - bpp]) & 0xff;
      return;
    case 2:
      for (let i = 0; i < n; i++) cur[i] = (cur[i] + prev[i]) & 0xff;
      return;
    case 3:
      for (let i = 0; i < bpp; i++) cur[i] = (cur[i] + (prev[i] >> 1)) & 0xff;
      for (let i = bpp; i < n; i++) cur[i] = (cur[i] + ((cur[i - bpp] + prev[i]) >> 1)) & 0xff;
      return;
    case 4:
      for (let i = 0; i < bpp; i++) cur[i] = (cur[i] + prev[i]) & 0xff; // Paeth with a = c = 0 picks b
      for (let i = bpp; i < n; i++) {
        const a = cur[i - bpp];
        const b = prev[i];
        const c = prev[i - bpp];
        let pa = b - c;
        let pb = a - c;
        let pc = pa + pb;
        pa = pa < 0 ? -pa : pa;
        pb = pb < 0 ? -pb : pb;
        pc = pc < 0 ? -pc : pc;
        cur[i] = (cur[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
      }
      return;
    default:
      throw new Error(`unknown filter type ${filter} in row ${y}`);
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
