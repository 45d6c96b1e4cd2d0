/**
 * TIFF LZW decoder (TIFF 6.0 section 13): codes MSB-first, 9 to 12 bits, the code width grows one
 * code early ("early change"), 256 = clear, 257 = end of information. Writes straight into a typed
 * array of the known decoded size; the string table is three flat typed arrays, no per-code objects.
 *
 * Returns the number of bytes decoded (may be less than `out.length` for a short stream), or throws
 * an Error with a plain message for a corrupt stream (the caller names the file).
 */
export function lzwDecode(input: Uint8Array, out: Uint8Array): number {
  const prefix = new Uint16Array(4096);
  const suffix = new Uint8Array(4096);
  const firstByte = new Uint8Array(4096);
  const length = new Uint16Array(4096);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    firstByte[i] = i;
    length[i] = 1;
  }
  if (input.length >= 2 && input[0] === 0 && (input[1] & 1) === 1) {
    throw new Error('old-style (pre-TIFF 6.0, LSB-first) LZW is not supported');
  }
  const outLen = out.length;
  let nextCode = 258;
  let codeLen = 9;
  let oldCode = -1;
  let pos = 0;
  let inPos = 0;
  let bitBuf = 0;
  let bitCount = 0;
  const n = input.length;

  for (;;) {
    while (bitCount < codeLen) {
      if (inPos >= n) return pos; // ran out of input without EOI: tolerated, caller checks the size
      bitBuf = ((bitBuf << 8) | input[inPos++]) >>> 0;
      bitCount += 8;
    }
    bitCount -= codeLen;
    const code = (bitBuf >>> bitCount) & ((1 << codeLen) - 1);
    bitBuf &= (1 << bitCount) - 1;

    if (code === 257) return pos;
    if (code === 256) {
      nextCode = 258;
      codeLen = 9;
      oldCode = -1;
      continue;
    }
    if (oldCode === -1) {
      if (code > 255) throw new Error(`corrupt LZW stream: code ${code} right after a clear code`);
      if (pos < outLen) out[pos] = code;
      pos++;
      oldCode = code;
      continue;
    }
    let emit: number;
    if (code < nextCode) {
      emit = code;
      if (nextCode < 4096) {
        prefix[nextCode] = oldCode;
        suffix[nextCode] = firstByte[code];
        firstByte[nextCode] = firstByte[oldCode];
        length[nextCode] = length[oldCode] + 1;
        nextCode++;
      }
    } else if (code === nextCode && nextCode < 4096) {
      prefix[nextCode] = oldCode;
      suffix[nextCode] = firstByte[oldCode];
      firstByte[nextCode] = firstByte[oldCode];
      length[nextCode] = length[oldCode] + 1;
      emit = nextCode;
      nextCode++;
    } else {
      throw new Error(`corrupt LZW stream: code ${code} not yet defined (next is ${nextCode})`);
    }
    // Write the string backwards from its last byte by walking the prefix chain.
    const len = length[emit];
    let c = emit;
    for (let k = len - 1; k >= 0; k--) {
      const p = pos + k;
      if (p < outLen) out[p] = suffix[c];
      c = prefix[c];
    }
    pos += len;
    oldCode = code;
    if (nextCode + 1 >= 1 << codeLen && codeLen < 12) codeLen++;
  }
}
