import type { TypedArray } from '@biaflow/image';

/**
 * Undo TIFF predictor 2 (horizontal differencing) in place: each sample is stored as the
 * difference to the same sample of the previous pixel. `stride` = samples per pixel in the chunk.
 * Typed-array assignment wraps exactly like the encoder's modular arithmetic.
 */
export function undoHorizontalPredictor(a: TypedArray, rows: number, rowLength: number, stride: number): void {
  for (let r = 0; r < rows; r++) {
    const start = r * rowLength;
    const end = start + rowLength;
    for (let i = start + stride; i < end; i++) a[i] += a[i - stride];
  }
}

/**
 * Undo TIFF predictor 3 (floating point, Adobe tech note 3): per row, the bytes were split into
 * planes (most significant byte of every sample first) and then byte-differenced with `stride`.
 * Writes the samples in little-endian (native) byte order into `out`.
 */
export function undoFloatPredictor(
  raw: Uint8Array,
  out: Uint8Array,
  rows: number,
  samplesPerRow: number,
  bytesPerSample: number,
  stride: number,
): void {
  const rowBytes = samplesPerRow * bytesPerSample;
  for (let r = 0; r < rows; r++) {
    const base = r * rowBytes;
    for (let i = base + stride; i < base + rowBytes; i++) raw[i] = (raw[i] + raw[i - stride]) & 0xff;
    for (let s = 0; s < samplesPerRow; s++) {
      const o = base + s * bytesPerSample;
      for (let b = 0; b < bytesPerSample; b++) {
        out[o + bytesPerSample - 1 - b] = raw[base + b * samplesPerRow + s];
      }
    }
  }
}

/** IEEE half-precision bits → float32 values. */
export function halfToFloat(src: Uint16Array, dst: Float32Array): void {
  for (let i = 0; i < src.length; i++) {
    const h = src[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) dst[i] = sign * frac * 2 ** -24;
    else if (exp === 31) dst[i] = frac ? NaN : sign * Infinity;
    else dst[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
}

/** Apply predictor 2 (for the writer): differences from the previous pixel, right to left, in place. */
export function applyHorizontalPredictor(a: TypedArray, rows: number, rowLength: number, stride: number): void {
  for (let r = 0; r < rows; r++) {
    const start = r * rowLength;
    for (let i = start + rowLength - 1; i >= start + stride; i--) a[i] -= a[i - stride];
  }
}
