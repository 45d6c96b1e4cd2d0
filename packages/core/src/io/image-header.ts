import fs from 'node:fs';
import type { Image } from '@biaflow/image';
import { jpegFrame } from './jpeg';
import { pngHeader } from './png-decode';
import { sniffFormat } from './read-image';
import { tiffHeader } from './tiff/read-tiff';

/** What an image file says about itself before any pixel is decoded: shape, axes, sample type, spacing (µm or null). */
export type ImageHeader = Pick<Image, 'shape' | 'axes' | 'dtype' | 'spacing'>;

/** Bytes read first: enough for the IFDs of nearly every TIFF, a PNG's IHDR and a JPEG's frame header. */
const HEAD_BYTES = 1 << 20;

function readStart(file: string, length: number): Uint8Array {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = new Uint8Array(Math.min(length, fs.fstatSync(fd).size));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

function fromBytes(file: string, bytes: Uint8Array): ImageHeader | undefined {
  switch (sniffFormat(bytes.subarray(0, 16))) {
    case 'tiff':
      return tiffHeader(file, bytes);
    case 'png': {
      const h = pngHeader(bytes);
      if (!h) return undefined;
      const dtype = bytes[24] === 16 ? 'uint16' : 'uint8';
      return h.channels === 1
        ? { shape: [h.height, h.width], axes: 'YX', dtype, spacing: [null, null] }
        : { shape: [h.height, h.width, h.channels], axes: 'YXS', dtype, spacing: [null, null, null] };
    }
    case 'jpeg': {
      const f = jpegFrame(bytes);
      if (!f) return undefined;
      return f.components === 1
        ? { shape: [f.height, f.width], axes: 'YX', dtype: 'uint8', spacing: [null, null] }
        : { shape: [f.height, f.width, 3], axes: 'YXS', dtype: 'uint8', spacing: [null, null, null] };
    }
    default:
      return undefined;
  }
}

/**
 * The header of a TIFF, PNG or JPEG file, read without decoding pixel data (for checks made before
 * any work: `config validate`, `run`). The first MiB is read; a TIFF whose IFDs lie further is read
 * whole, still without decoding. Undefined when the file cannot be read or is not one of these
 * formats: reading it properly reports the problem.
 */
export function readImageHeader(file: string): ImageHeader | undefined {
  try {
    return fromBytes(file, readStart(file, HEAD_BYTES));
  } catch {
    try {
      if (fs.statSync(file).size <= HEAD_BYTES) return undefined;
      return fromBytes(file, readStart(file, Number.MAX_SAFE_INTEGER));
    } catch {
      return undefined;
    }
  }
}
