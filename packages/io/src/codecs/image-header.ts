import type { ImageHeader } from '@biaflow/image';
import { sniffFormat } from './decode-image';
import { jpegFrame } from './jpeg';
import { pngHeader } from './png-decode';
import { tiffHeader } from './tiff/read-tiff';

export type { ImageHeader };

/**
 * The header of a TIFF, PNG or JPEG from its first bytes (enough for the IFDs of nearly every TIFF,
 * a PNG's IHDR and a JPEG's frame header), without decoding pixel data; undefined when the bytes
 * are none of these formats. A TIFF whose IFDs lie past `bytes` throws.
 */
export function imageHeaderFromBytes(file: string, bytes: Uint8Array): ImageHeader | undefined {
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
