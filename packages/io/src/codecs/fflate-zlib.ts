import { unzlibSync, zlibSync } from 'fflate';
import { InflateLimitError, type Zlib } from './zlib';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Pure-JS deflate (fflate), for the browser. fflate truncates an output that overflows the buffer it
 * is given, so inflate writes into one byte more than allowed: a full buffer means the data went on.
 */
export const fflateZlib: Zlib = {
  inflate(data, maxOutputLength) {
    const out = unzlibSync(data, { out: new Uint8Array(maxOutputLength + 1) });
    if (out.length > maxOutputLength) throw new InflateLimitError(maxOutputLength);
    return out;
  },
  deflate: (data, level) => zlibSync(data, { level: Math.min(9, Math.max(0, level)) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 }),
  crc32,
};
