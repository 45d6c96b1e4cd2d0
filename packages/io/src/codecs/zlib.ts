/**
 * The deflate codec the image codecs use (TIFF deflate strips, PNG image data), injected so the codecs
 * stay pure: Node's zlib in Node (fast, and files byte-identical to what biaflow always wrote), a
 * pure-JS one (fflate) in a browser.
 */
export interface Zlib {
  /** Inflate a zlib stream; an output longer than `maxOutputLength` bytes throws `InflateLimitError`. */
  inflate(data: Uint8Array, maxOutputLength: number): Uint8Array;
  /** Deflate into a zlib stream at `level` (1 fastest … 9 smallest). */
  deflate(data: Uint8Array, level: number): Uint8Array;
  /** CRC-32 of the bytes (PNG chunk checksums). */
  crc32(data: Uint8Array): number;
}

/** Data that inflates past the size it may have: a decompression bomb, not an image. */
export class InflateLimitError extends Error {
  constructor(readonly limit: number) {
    super(`inflates to more than ${limit} bytes`);
    this.name = 'InflateLimitError';
  }
}
