import { decode as decodeJpegBytes } from 'jpeg-js';
import { InputError } from '../errors';
import type { Image } from '@biaflow/image';

/** Number of colour components from the JPEG frame header (SOFn), so grey JPEGs come back as `YX`. */
function jpegComponents(bytes: Uint8Array): number | undefined {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i++;
      continue;
    }
    const len = (bytes[i + 2] << 8) | bytes[i + 3];
    // SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC)
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return bytes[i + 9];
    i += 2 + len;
  }
  return undefined;
}

/** Baseline and progressive JPEG (8-bit) via jpeg-js, a pure-JS decoder. */
export function decodeJpeg(file: string, bytes: Uint8Array): Image {
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = decodeJpegBytes(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 4096 });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new InputError(`corrupt, truncated or unsupported JPEG (${reason})`, { file, cause: e });
  }
  const { width, height } = img;
  const n = width * height;
  if (jpegComponents(bytes) === 1) {
    const grey = new Uint8Array(n);
    for (let i = 0; i < n; i++) grey[i] = img.data[3 * i];
    return { data: grey, shape: [height, width], dtype: 'uint8', axes: 'YX', spacing: [null, null] };
  }
  return {
    data: img.data.subarray(0, n * 3),
    shape: [height, width, 3],
    dtype: 'uint8',
    axes: 'YXS',
    spacing: [null, null, null],
  };
}
