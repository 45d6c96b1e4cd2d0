import fs from 'node:fs';
import { imageHeaderFromBytes, type ImageHeader } from '../codecs/image-header';

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

/**
 * The header of a TIFF, PNG or JPEG file, read without decoding pixel data (for checks made before
 * any work: `config validate`, `run`). The first MiB is read; a TIFF whose IFDs lie further is read
 * whole, still without decoding. Undefined when the file cannot be read or is not one of these
 * formats: reading it properly reports the problem.
 */
export function readImageHeader(file: string): ImageHeader | undefined {
  try {
    return imageHeaderFromBytes(file, readStart(file, HEAD_BYTES));
  } catch {
    try {
      if (fs.statSync(file).size <= HEAD_BYTES) return undefined;
      return imageHeaderFromBytes(file, readStart(file, Number.MAX_SAFE_INTEGER));
    } catch {
      return undefined;
    }
  }
}
