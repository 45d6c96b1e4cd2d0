import { ImageError } from '@biaflow/image';
import type { DType } from '@biaflow/image';
import type { Ifd, TagValue } from './ifd';
import { Tag, compressionName } from './tags';

/** What the decoder needs to know about one page (IFD), validated. */
export interface TiffPage {
  index: number;
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsPerSample: number;
  /** Sample type as read from the file; `bool` for 1-bit bilevel (decoded as uint8 0/1), float16 is widened. */
  dtype: DType;
  float16: boolean;
  bilevel: boolean;
  compression: number;
  predictor: number;
  photometric: number;
  /** 1 = chunky (samples interleaved, `YXS`), 2 = planar (one plane per sample, `SYX`). */
  planar: 1 | 2;
  /** Strip or tile geometry; strips are tiles as wide as the image. */
  tiled: boolean;
  chunkWidth: number;
  chunkHeight: number;
  offsets: number[];
  byteCounts: number[] | undefined;
  description?: string;
  xResolution?: number;
  yResolution?: number;
  /** 1 none, 2 inch, 3 centimetre (TIFF's default is 2). */
  resolutionUnit: number;
  /** NewSubfileType: bit 0 marks reduced-resolution copies (pyramids, thumbnails). */
  subfileType: number;
}

export const SUPPORTED_COMPRESSIONS = new Set([1, 5, 8, 32946, 32773]);

function nums(v: TagValue | undefined): number[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

function first(v: TagValue | undefined): number | undefined {
  const a = nums(v);
  return a && a.length > 0 ? a[0] : undefined;
}

export function interpretPage(file: string, ifd: Ifd, index: number): TiffPage {
  const t = ifd.tags;
  const fail = (msg: string): never => {
    throw new ImageError(`${msg} (page ${index})`, { file });
  };
  const width = first(t.get(Tag.ImageWidth));
  const height = first(t.get(Tag.ImageLength));
  if (!width || !height) fail('corrupt TIFF: image width or length missing');
  const samplesPerPixel = first(t.get(Tag.SamplesPerPixel)) ?? 1;
  if (!Number.isInteger(samplesPerPixel) || samplesPerPixel < 1) fail(`corrupt TIFF: SamplesPerPixel is ${samplesPerPixel}; a pixel holds at least one sample`);
  const bitsList = nums(t.get(Tag.BitsPerSample)) ?? [1];
  if (bitsList.length === 0) fail('corrupt TIFF: BitsPerSample holds no value');
  const bitsPerSample = bitsList[0];
  if (bitsList.some((b) => b !== bitsPerSample)) fail(`unsupported TIFF: samples of different bit depths (${bitsList.join(', ')})`);
  const formatList = nums(t.get(Tag.SampleFormat)) ?? [1];
  const sampleFormat = formatList[0];
  const compression = first(t.get(Tag.Compression)) ?? 1;
  if (!SUPPORTED_COMPRESSIONS.has(compression)) {
    fail(`unsupported TIFF compression ${compressionName(compression)}; supported: none, LZW, deflate, PackBits`);
  }
  const predictor = first(t.get(Tag.Predictor)) ?? 1;
  if (predictor !== 1 && predictor !== 2 && predictor !== 3) fail(`unsupported TIFF predictor ${predictor}`);
  const photometric = first(t.get(Tag.Photometric)) ?? 1;
  if (photometric === 6 || photometric === 5 || photometric === 8) {
    fail(`unsupported TIFF photometric interpretation ${photometric} (YCbCr/CMYK/CIELab colour spaces)`);
  }
  const planar = (first(t.get(Tag.PlanarConfiguration)) ?? 1) === 2 && samplesPerPixel > 1 ? 2 : 1;
  const depth = first(t.get(Tag.ImageDepth)) ?? 1;
  if (depth > 1) fail('unsupported TIFF: SGI volumetric tiles (ImageDepth > 1)');
  const fillOrder = first(t.get(Tag.FillOrder)) ?? 1;

  let dtype: DType | undefined;
  let float16 = false;
  let bilevel = false;
  if (bitsPerSample === 1 && sampleFormat === 1) {
    if (fillOrder !== 1) fail('unsupported TIFF: bilevel image with reversed bit fill order');
    dtype = 'uint8';
    bilevel = true;
  } else if (sampleFormat === 1 || sampleFormat === 4) {
    dtype = ({ 8: 'uint8', 16: 'uint16', 32: 'uint32' } as Record<number, DType>)[bitsPerSample];
  } else if (sampleFormat === 2) {
    dtype = ({ 8: 'int8', 16: 'int16', 32: 'int32' } as Record<number, DType>)[bitsPerSample];
  } else if (sampleFormat === 3) {
    dtype = ({ 16: 'float32', 32: 'float32', 64: 'float64' } as Record<number, DType>)[bitsPerSample];
    float16 = bitsPerSample === 16;
  }
  if (!dtype) {
    const kind = { 1: 'unsigned integer', 2: 'signed integer', 3: 'floating point', 5: 'complex integer', 6: 'complex float' }[sampleFormat] ?? `sample format ${sampleFormat}`;
    fail(`unsupported TIFF data type: ${bitsPerSample}-bit ${kind} (supported: 1-bit, 8/16/32-bit integers, 16/32/64-bit floats)`);
  }
  if (predictor === 3 && sampleFormat !== 3) fail('corrupt TIFF: floating-point predictor on integer data');

  const tileWidth = first(t.get(Tag.TileWidth));
  const tileLength = first(t.get(Tag.TileLength));
  const tiled = tileWidth !== undefined && tileLength !== undefined;
  const offsets = nums(t.get(tiled ? Tag.TileOffsets : Tag.StripOffsets));
  if (!offsets || offsets.length === 0) fail(`corrupt or truncated TIFF: ${tiled ? 'tile' : 'strip'} offsets missing`);
  const byteCounts = nums(t.get(tiled ? Tag.TileByteCounts : Tag.StripByteCounts));
  let chunkWidth = width!;
  let chunkHeight = Math.min(first(t.get(Tag.RowsPerStrip)) ?? height!, height!);
  if (tiled) {
    chunkWidth = tileWidth!;
    chunkHeight = tileLength!;
    if (!chunkWidth || !chunkHeight) fail('corrupt TIFF: zero tile size');
  }
  if (chunkHeight <= 0) chunkHeight = height!;
  const across = Math.ceil(width! / chunkWidth);
  const down = Math.ceil(height! / chunkHeight);
  const expected = across * down * (planar === 2 ? samplesPerPixel : 1);
  if (offsets!.length < expected) {
    fail(`corrupt TIFF: ${offsets!.length} ${tiled ? 'tiles' : 'strips'} listed, ${expected} needed for ${width}x${height}`);
  }
  if (byteCounts && byteCounts.length < expected) fail('corrupt TIFF: fewer byte counts than strips/tiles');
  if (!byteCounts && compression !== 1) fail('corrupt TIFF: strip/tile byte counts missing');

  const desc = t.get(Tag.ImageDescription);
  const xr = first(t.get(Tag.XResolution));
  const yr = first(t.get(Tag.YResolution));
  return {
    index,
    width: width!,
    height: height!,
    samplesPerPixel,
    bitsPerSample,
    dtype: dtype!,
    float16,
    bilevel,
    compression,
    predictor,
    photometric,
    planar,
    tiled,
    chunkWidth,
    chunkHeight,
    offsets: offsets!,
    byteCounts,
    description: typeof desc === 'string' ? desc : undefined,
    xResolution: xr !== undefined && Number.isFinite(xr) && xr > 0 ? xr : undefined,
    yResolution: yr !== undefined && Number.isFinite(yr) && yr > 0 ? yr : undefined,
    resolutionUnit: first(t.get(Tag.ResolutionUnit)) ?? 2,
    subfileType: first(t.get(Tag.NewSubfileType)) ?? 0,
  };
}

/** Two pages belong to one stack when their pixel layout is identical. */
export function sameLayout(a: TiffPage, b: TiffPage): boolean {
  return (
    a.width === b.width &&
    a.height === b.height &&
    a.samplesPerPixel === b.samplesPerPixel &&
    a.bitsPerSample === b.bitsPerSample &&
    a.dtype === b.dtype &&
    a.planar === b.planar
  );
}
