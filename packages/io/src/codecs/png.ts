import { decode as decodePngBytes, encode as encodePngBytes } from 'fast-png';
import { ImageError } from '@biaflow/image';
import { fflateZlib } from './fflate-zlib';
import { checkImageSize, type ReadImageOptions } from './size-limit';
import { decodePngFast, pngHeader, type PngRaster } from './png-decode';
import type { Image, NdArray } from '@biaflow/image';

/**
 * PNG read: 8/16-bit grey, grey+alpha, RGB, RGBA, palette images (their indices: label PNGs store
 * labels as palette indices) and 1/2/4-bit grey, unpacked. Non-interlaced files (nearly all) go
 * through our decoder on the injected zlib (Node's in Node); interlaced ones through fast-png. pHYs gives the spacing.
 * The size IHDR announces is checked against the cap before anything is inflated.
 */
export function decodePng(file: string, bytes: Uint8Array, options?: ReadImageOptions): Image {
  const header = pngHeader(bytes);
  if (header) checkImageSize(file, [header.height, header.width, header.channels], options);
  let raster: PngRaster | undefined;
  try {
    raster = decodePngFast(bytes, options?.zlib ?? fflateZlib) ?? decodeWithFastPng(bytes);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new ImageError(`corrupt or truncated PNG (${reason})`, { file, cause: e });
  }
  const { width, height, channels, data } = raster;
  const ppm = raster.pixelsPerMetre;
  const ys = ppm && ppm[1] > 0 ? 1e6 / ppm[1] : null;
  const xs = ppm && ppm[0] > 0 ? 1e6 / ppm[0] : null;
  const twoD = channels === 1;
  return {
    data,
    shape: twoD ? [height, width] : [height, width, channels],
    dtype: raster.depth === 16 ? 'uint16' : 'uint8',
    axes: twoD ? 'YX' : 'YXS',
    spacing: twoD ? [ys, xs] : [ys, xs, null],
  };
}

function decodeWithFastPng(bytes: Uint8Array): PngRaster {
  const png = decodePngBytes(bytes, { checkCrc: true });
  const { width, height, depth } = png;
  const channels = png.palette ? 1 : png.channels;
  const n = width * height * channels;
  let data: Uint8Array | Uint16Array;
  if (depth === 16) data = png.data instanceof Uint16Array ? png.data : Uint16Array.from(png.data);
  else if (depth === 8) data = png.data instanceof Uint8ClampedArray ? new Uint8Array(png.data) : (png.data as Uint8Array);
  else data = unpackBits(png.data as Uint8Array, width, height, channels, depth);
  if (data.length < n) throw new Error(`${data.length} samples, ${n} expected`);
  const res = png.resolution;
  return {
    width,
    height,
    channels,
    depth,
    data: data.length > n ? data.subarray(0, n) : data,
    ...(res && res.unit === 1 ? { pixelsPerMetre: [res.x, res.y] as [number, number] } : {}),
  };
}

function unpackBits(packed: Uint8Array, width: number, height: number, channels: number, depth: number): Uint8Array {
  const perRow = width * channels;
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const out = new Uint8Array(perRow * height);
  const mask = (1 << depth) - 1;
  for (let r = 0; r < height; r++) {
    for (let i = 0; i < perRow; i++) {
      const bit = i * depth;
      out[r * perRow + i] = (packed[r * rowBytes + (bit >> 3)] >> (8 - depth - (bit & 7))) & mask;
    }
  }
  return out;
}

/** Encode a 2D grey (`[y,x]`) or RGB/RGBA (`[y,x,3|4]`) uint8/uint16 array as PNG bytes. */
export function encodePng(file: string, image: NdArray & { spacing?: (number | null)[] }): Uint8Array {
  const { data, shape } = image;
  const channels = shape.length === 2 ? 1 : shape[2];
  if (!(shape.length === 2 || (shape.length === 3 && (channels === 3 || channels === 4 || channels === 1)))) {
    throw new ImageError(`PNG holds 2D grey or RGB(A) images; got shape [${shape.join(', ')}] (write 3D data as TIFF)`, { file });
  }
  let depth: 8 | 16;
  if (data instanceof Uint8Array) depth = 8;
  else if (data instanceof Uint16Array) depth = 16;
  else {
    throw new ImageError(
      `PNG holds uint8 or uint16 samples; got ${data.constructor.name} (write it as TIFF, or convert first)`,
      { file },
    );
  }
  const [height, width] = shape;
  const sx = image.spacing?.[1];
  return encodePngBytes({
    width,
    height,
    data,
    depth,
    channels,
    ...(sx ? { resolution: { x: Math.round(1e6 / sx), y: Math.round(1e6 / (image.spacing?.[0] ?? sx)), unit: 1 } } : {}),
  } as Parameters<typeof encodePngBytes>[0]);
}
