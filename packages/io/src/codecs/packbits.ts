/**
 * PackBits (Apple, TIFF compression 32773): a signed header byte n, then n+1 literal bytes
 * (n >= 0) or one byte repeated 1-n times (n in -127..-1); -128 is a no-op.
 * Returns the number of bytes decoded into `out`; stops when `out` is full.
 */
export function packBitsDecode(input: Uint8Array, out: Uint8Array): number {
  let i = 0;
  let o = 0;
  const n = input.length;
  const outLen = out.length;
  while (i < n && o < outLen) {
    const h = input[i++];
    if (h < 128) {
      const count = Math.min(h + 1, n - i, outLen - o);
      out.set(input.subarray(i, i + count), o);
      i += h + 1;
      o += count;
    } else if (h > 128) {
      if (i >= n) break;
      const count = Math.min(257 - h, outLen - o);
      out.fill(input[i++], o, o + count);
      o += count;
    }
  }
  return o;
}
