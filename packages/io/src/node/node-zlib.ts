import zlib from 'node:zlib';
import { InflateLimitError, type Zlib } from '../codecs/zlib';

/** Node's zlib for the codecs: native speed, and the exact bytes biaflow's files always had. */
export const nodeZlib: Zlib = {
  inflate(data, maxOutputLength) {
    try {
      const out = zlib.inflateSync(data, { maxOutputLength });
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new InflateLimitError(maxOutputLength);
      throw e;
    }
  },
  deflate(data, level) {
    const out = zlib.deflateSync(data, { level });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  },
  crc32: (data) => zlib.crc32(data),
};
