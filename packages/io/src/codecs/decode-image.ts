import { ImageError, type Image } from '@biaflow/image';
import { decodeJpeg } from './jpeg';
import { decodePng } from './png';
import type { ReadImageOptions } from './size-limit';
import { decodeTiff } from './tiff/read-tiff';

/** Which decoder a file's first bytes call for (the extension only breaks ties and names the error). */
export type ImageFormat = 'tiff' | 'png' | 'jpeg';

export function sniffFormat(head: Uint8Array): ImageFormat | undefined {
  // II*\0 / MM\0* (classic) or II+\0 / MM\0+ (BigTIFF); a file cut inside those 4 bytes is still a (truncated) TIFF.
  const ii = head[0] === 0x49 && head[1] === 0x49 && (head.length < 3 || head[2] === 42 || head[2] === 43);
  const mm = head[0] === 0x4d && head[1] === 0x4d && (head.length < 3 || head[2] === 0);
  if (head.length >= 2 && (ii || mm)) return 'tiff';
  if (head.length >= 8 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  return undefined;
}

const FORMAT_BY_EXTENSION: Record<string, ImageFormat> = {
  '.tif': 'tiff',
  '.tiff': 'tiff',
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
};

/** Extensions the decoders take (lower case, with the dot). */
export const IMAGE_EXTENSIONS = Object.keys(FORMAT_BY_EXTENSION);

/** The lower-case extension of a file name, with its dot (`''` when it has none). */
export function extensionOf(file: string): string {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

export function formatFromExtension(file: string): ImageFormat | undefined {
  return FORMAT_BY_EXTENSION[extensionOf(file)];
}

/**
 * Decode an image already in memory; `file` names it in errors. For uncompressed TIFFs the
 * returned `data` may be a view into `bytes` (no copy): mind `data.byteOffset` when reaching for
 * `data.buffer`. Bad bytes are an `ImageError` naming the file.
 */
export function decodeImage(file: string, bytes: Uint8Array, options?: ReadImageOptions): Image {
  const format = sniffFormat(bytes);
  if (!format) {
    const expected = formatFromExtension(file);
    const what = expected ? `not a ${expected.toUpperCase()} file` : 'not a supported image file';
    const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new ImageError(
      `${what}: ${bytes.length === 0 ? 'the file is empty' : `it starts with bytes ${head}`} (supported: TIFF, PNG, JPEG)`,
      { file },
    );
  }
  try {
    if (format === 'tiff') return decodeTiff(file, bytes, options);
    if (format === 'png') return decodePng(file, bytes, options);
    return decodeJpeg(file, bytes, options);
  } catch (e) {
    if (e instanceof ImageError) throw e;
    // A decoder failing in a way we did not foresee is still a bad input file, not a crash.
    const reason = e instanceof Error ? e.message : String(e);
    throw new ImageError(`cannot decode ${format.toUpperCase()} file (${reason})`, { file, cause: e });
  }
}
