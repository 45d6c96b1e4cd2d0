import { decode as decodeJpegBytes } from 'jpeg-js';
import { ImageError } from '@biaflow/image';
import type { Image } from '@biaflow/image';
import { DEFAULT_MAX_MEGAVOXELS } from '@biaflow/image';
import { checkImageSize, type ReadImageOptions } from './size-limit';

/** The frame header (SOFn): rows, columns and colour components, read before any decoding; undefined when absent. */
export function jpegFrame(bytes: Uint8Array): { height: number; width: number; components: number } | undefined {
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
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[i + 5] << 8) | bytes[i + 6], width: (bytes[i + 7] << 8) | bytes[i + 8], components: bytes[i + 9] };
    }
    i += 2 + len;
  }
  return undefined;
}

/** Baseline and progressive JPEG (8-bit) via jpeg-js, a pure-JS decoder. */
export function decodeJpeg(file: string, bytes: Uint8Array, options?: ReadImageOptions): Image {
  const frame = jpegFrame(bytes);
  if (frame) checkImageSize(file, [frame.height, frame.width, frame.components], options);
  const maxResolutionInMP = options?.maxMegavoxels ?? DEFAULT_MAX_MEGAVOXELS;
  let img: { width: number; height: number; data: Uint8Array };
  try {
    // jpeg-js's own resolution limit (100 MP by default) follows ours, so the cap above is the one that decides.
    img = decodeJpegBytes(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 4096, maxResolutionInMP });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ImageError(`corrupt, truncated or unsupported JPEG (${reason})`, { file, cause: e });
  }
  const { width, height } = img;
  const n = width * height;
  if (frame?.components === 1) {
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
