import { ImageError } from '@biaflow/image';
import { allocateTypedArray as allocate, viewTypedArray as view } from '@biaflow/image';
import { fflateZlib } from '../fflate-zlib';
import { checkImageSize, type ReadImageOptions } from '../size-limit';
import type { Zlib } from '../zlib';
import type { Image } from '@biaflow/image';
import { decodePage, pageLength } from './decode-page';
import { parseTiffContainer, type TiffContainer } from './ifd';
import { isImageJDescription, parseImageJDescription } from './imagej-metadata';
import { isOmeDescription, parseOmeXml } from './ome-metadata';
import { interpretPage, sameLayout, type TiffPage } from './page';
import { micrometresPer } from './units';

/** The leading (per-page) axes of the first series, and how to find its pages. */
interface Series {
  source: NonNullable<Image['metadataSource']>;
  /** Axes over pages, outermost first (e.g. `TZC`), with their sizes and spacing. */
  axes: string;
  shape: number[];
  spacing: (number | null)[];
  /** Spacing of Y and X (µm) when the metadata says. */
  yx: [number | null, number | null];
  /** Page indices holding the planes, in order; or the first page of a contiguous ImageJ stack. */
  pages: number[];
  contiguousPlanes?: number;
  frameInterval?: number;
}

/** What a TIFF's first series is, from its IFDs and metadata alone (no pixel data decoded). */
export type TiffHeader = Pick<Image, 'shape' | 'dtype' | 'axes' | 'spacing'>;

/** The first series' shape, sample type, axes and spacing, as `decodeTiff` would return them, without decoding a strip. */
export function tiffHeader(file: string, bytes: Uint8Array): TiffHeader {
  const container = parseTiffContainer(file, bytes);
  const page0 = interpretPage(file, container.ifds[0], 0);
  const { shape, axes, spacing } = imageLayout(page0, describeSeries(container, page0));
  return { shape, dtype: page0.dtype, axes, spacing };
}

/** Decode a whole TIFF file (already in memory) to an Image: the first series, all its planes. */
export function decodeTiff(file: string, bytes: Uint8Array, options?: ReadImageOptions): Image {
  const zlib = options?.zlib ?? fflateZlib;
  const container = parseTiffContainer(file, bytes);
  const page0 = interpretPage(file, container.ifds[0], 0);
  const series = describeSeries(container, page0);

  const planeLen = pageLength(page0);
  const nPlanes = series.contiguousPlanes ?? series.pages.length;
  const total = planeLen * nPlanes;
  // The size the IFDs (and ImageJ/OME metadata) announce, refused before any strip is read.
  checkImageSize(file, [...series.shape.filter((s) => s > 1), page0.height, page0.width, page0.samplesPerPixel], options);
  if (!Number.isSafeInteger(total) || total > 2 ** 32) {
    throw new ImageError(`image too large to hold in memory (${total} samples)`, { file });
  }
  const storedBytes = page0.bilevel ? Math.ceil((page0.width * page0.samplesPerPixel) / 8) * page0.height * nPlanes : total * (page0.bitsPerSample / 8);
  if (page0.compression === 1 && storedBytes > bytes.length) {
    throw new ImageError(
      `truncated TIFF: ${nPlanes} uncompressed ${page0.width}x${page0.height} planes need ${storedBytes} bytes but the file has ${bytes.length}`,
      { file },
    );
  }
  const inPlace = viewInPlace(container, page0, series, total);
  const data = inPlace ?? allocate(page0.dtype, total);
  if (inPlace) {
    // Uncompressed, native byte order, planes back to back: the file bytes are the array.
  } else if (series.contiguousPlanes !== undefined) {
    decodeContiguous(container, page0, series.contiguousPlanes, data, zlib);
  } else {
    series.pages.forEach((p, i) => {
      const page = p === 0 ? page0 : interpretPage(file, container.ifds[p], p);
      if (!sameLayout(page, page0)) {
        throw new ImageError(`page ${p} differs in size or type from the first page of the series`, { file });
      }
      decodePage(file, bytes, container.littleEndian, page, data, i * planeLen, zlib);
    });
  }

  const layout = imageLayout(page0, series);
  return {
    data,
    shape: layout.shape,
    dtype: page0.dtype,
    axes: layout.axes,
    spacing: layout.spacing,
    metadataSource: series.source,
    ...(series.frameInterval !== undefined ? { frameInterval: series.frameInterval } : {}),
  };
}

/** The image's shape, axes and spacing: the series' page axes, then each page's own. */
function imageLayout(page0: TiffPage, series: Series): Pick<Image, 'shape' | 'axes' | 'spacing'> {
  // Page axes: chunky samples last (YXS), planar samples first (SYX), as tifffile orders them.
  let pageAxes = 'YX';
  let pageShape = [page0.height, page0.width];
  let pageSpacing: (number | null)[] = [...series.yx];
  if (page0.samplesPerPixel > 1) {
    if (page0.planar === 2) {
      pageAxes = 'SYX';
      pageShape = [page0.samplesPerPixel, ...pageShape];
      pageSpacing = [null, ...pageSpacing];
    } else {
      pageAxes = 'YXS';
      pageShape = [...pageShape, page0.samplesPerPixel];
      pageSpacing = [...pageSpacing, null];
    }
  }
  // Leading axes of length 1 are dropped (tifffile's series shape does the same).
  const keep = series.shape.map((s) => s > 1);
  return {
    shape: [...series.shape.filter((_, i) => keep[i]), ...pageShape],
    axes: [...series.axes].filter((_, i) => keep[i]).join('') + pageAxes,
    spacing: [...series.spacing.filter((_, i) => keep[i]), ...pageSpacing],
  };
}

function describeSeries(c: TiffContainer, page0: TiffPage): Series {
  const desc = page0.description;
  if (isImageJDescription(desc)) return imagejSeries(c, page0, desc);
  if (isOmeDescription(desc)) {
    const s = omeSeries(c, page0, desc);
    if (s) return s;
  }
  const shaped = shapedSeries(c, page0, desc);
  if (shaped) return shaped;
  // Plain file: every full-resolution page shaped like the first is one plane of a Z stack.
  const pages = matchingPages(c, page0);
  return {
    source: 'plain',
    axes: 'Z',
    shape: [pages.length],
    spacing: [null],
    yx: resolutionSpacing(page0, undefined),
    pages,
  };
}

function matchingPages(c: TiffContainer, page0: TiffPage): number[] {
  const pages = [0];
  for (let i = 1; i < c.ifds.length; i++) {
    let p: TiffPage;
    try {
      p = interpretPage(c.file, c.ifds[i], i);
    } catch {
      continue; // a page of another kind (thumbnail in an unsupported codec): not part of this series
    }
    if ((p.subfileType & 1) === 0 && sameLayout(p, page0)) pages.push(i);
  }
  return pages;
}

/**
 * Spacing from XResolution/YResolution (pixels per unit). `unit` is the unit named by the metadata
 * (ImageJ `unit=`); otherwise ResolutionUnit: centimetre and inch convert, "none" is taken as
 * micrometres (what tifffile and ImageJ write), and absent or 1 pixel/unit without a unit is unknown.
 */
function resolutionSpacing(p: TiffPage, unit: string | undefined): [number | null, number | null] {
  let per: number | null | undefined;
  if (unit !== undefined) {
    per = micrometresPer(unit);
    if (per === undefined) per = 1; // an unknown spelling: trust the numbers as micrometres
  } else if (p.resolutionUnit === 3) per = 1e4;
  else if (p.resolutionUnit === 2) per = 25400;
  else per = 1;
  const one = (res: number | undefined): number | null => {
    if (per === null || res === undefined) return null;
    if (unit === undefined && p.resolutionUnit === 1 && res === 1) return null;
    return per / res;
  };
  return [one(p.yResolution), one(p.xResolution)];
}

function imagejSeries(c: TiffContainer, page0: TiffPage, desc: string): Series {
  const ij = parseImageJDescription(desc);
  let { channels } = ij;
  const { slices, frames } = ij;
  // Like tifffile: the counts decide, `images=` is not reliable; RGB samples declared as channels are samples.
  if (page0.samplesPerPixel > 1 && channels === page0.samplesPerPixel && ij.images === slices * frames) channels = 1;
  let extra = 1;
  if (channels * slices * frames === 1 && c.ifds.length > 1) extra = ij.images > 1 ? ij.images : c.ifds.length;
  const [ys, xs] = resolutionSpacing(page0, ij.unit);
  const zPer = ij.unit !== undefined ? micrometresPer(ij.unit) ?? 1 : 1;
  const zSpacing = ij.spacing !== undefined && zPer !== null ? ij.spacing * zPer : null;
  const nPlanes = channels * slices * frames * extra;

  const pages = matchingPages(c, page0).slice(0, nPlanes);
  let contiguousPlanes: number | undefined;
  if (pages.length < nPlanes) {
    // ImageJ (and tifffile for files > 4 GB) may store only the first IFD; the planes follow contiguously.
    if (page0.compression === 1 && page0.offsets.length >= 1 && !page0.tiled) contiguousPlanes = nPlanes;
    else {
      throw new ImageError(
        `truncated TIFF: the ImageJ header announces ${nPlanes} images but only ${pages.length} pages were found`,
        { file: c.file },
      );
    }
  }
  return {
    source: 'imagej',
    axes: 'TZC' + (extra > 1 ? 'Z' : ''),
    shape: [frames, slices, channels, ...(extra > 1 ? [extra] : [])],
    spacing: [null, zSpacing, null, ...(extra > 1 ? [zSpacing] : [])],
    yx: [ys, xs],
    pages,
    contiguousPlanes,
    frameInterval: ij.finterval,
  };
}

function omeSeries(c: TiffContainer, page0: TiffPage, desc: string): Series | undefined {
  const ome = parseOmeXml(desc);
  if (!ome) return undefined;
  if (ome.sizes.X !== page0.width || ome.sizes.Y !== page0.height) return undefined;
  const spp = page0.samplesPerPixel;
  const sizes: Record<string, number> = { ...ome.sizes, C: Math.max(1, Math.floor(ome.sizes.C / spp)) };
  // DimensionOrder lists the fastest axis first; C order wants it last.
  const order = ome.dimensionOrder.slice(2).split('').reverse().join('');
  const shape = [...order].map((a) => sizes[a]);
  const nPlanes = shape.reduce((x, y) => x * y, 1);
  const pages: number[] = [];
  for (let i = ome.firstIfd; i < c.ifds.length && pages.length < nPlanes; i++) pages.push(i);
  if (pages.length < nPlanes) {
    const where = ome.multiFile ? ' (the image spans several files; open the set with the file that holds all planes)' : '';
    throw new ImageError(
      `truncated or incomplete OME-TIFF: the OME-XML describes ${nPlanes} planes but the file has ${pages.length} pages${where}`,
      { file: c.file },
    );
  }
  const phys = ome.physical;
  return {
    source: 'ome',
    axes: order,
    shape,
    spacing: [...order].map((a) => (a === 'Z' ? phys.Z ?? null : null)),
    yx: [phys.Y ?? null, phys.X ?? null],
    pages,
    frameInterval: ome.timeIncrement,
  };
}

/** tifffile's own JSON description (`{"shape": [...], "axes": "..."}`) for files written without ImageJ/OME. */
function shapedSeries(c: TiffContainer, page0: TiffPage, desc: string | undefined): Series | undefined {
  if (!desc || !desc.startsWith('{')) return undefined;
  let meta: { shape?: unknown; axes?: unknown };
  try {
    meta = JSON.parse(desc) as { shape?: unknown; axes?: unknown };
  } catch {
    return undefined;
  }
  if (!Array.isArray(meta.shape) || !meta.shape.every((s) => Number.isInteger(s) && s >= 0)) return undefined;
  const shape = meta.shape as number[];
  const pageDims = page0.samplesPerPixel > 1 ? 3 : 2;
  const lead = shape.slice(0, Math.max(0, shape.length - pageDims));
  const nPlanes = lead.reduce((a, b) => a * b, 1);
  const all = matchingPages(c, page0);
  if (all.length < nPlanes) return undefined;
  let axes: string | undefined;
  if (typeof meta.axes === 'string' && meta.axes.length === shape.length) {
    const leadAxes = meta.axes.slice(0, lead.length).toUpperCase();
    if (/^[TZC]*$/.test(leadAxes) && new Set(leadAxes).size === leadAxes.length) axes = leadAxes;
  }
  if (axes === undefined) {
    if (lead.length > 1) return undefined; // unnamed extra dimensions: treat pages as a plain Z stack
    axes = lead.length === 1 ? 'Z' : '';
  }
  return {
    source: 'shaped',
    axes,
    shape: lead,
    spacing: lead.map(() => null),
    yx: resolutionSpacing(page0, undefined),
    pages: all.slice(0, nPlanes),
  };
}

/**
 * The pixel data as a typed-array view of the file buffer, when no decoding is needed: no
 * compression or predictor, little-endian (or bytes), whole-byte samples, and the strips of all
 * planes stored back to back in order at an aligned offset (what ImageJ and biaflow write).
 * Saves a copy and, more importantly on large volumes, a second full-size allocation.
 */
function viewInPlace(c: TiffContainer, page0: TiffPage, series: Series, total: number): ReturnType<typeof allocate> | undefined {
  if (page0.compression !== 1 || page0.predictor !== 1 || page0.bilevel || page0.float16 || page0.tiled) return undefined;
  const bps = page0.bitsPerSample / 8;
  if (!c.littleEndian && bps > 1) return undefined;
  const start = page0.offsets[0];
  if ((c.bytes.byteOffset + start) % bps !== 0 || start + total * bps > c.bytes.length) return undefined;
  if (series.contiguousPlanes === undefined) {
    let expected = start;
    for (const p of series.pages) {
      const page = p === 0 ? page0 : interpretPage(c.file, c.ifds[p], p);
      if (!sameLayout(page, page0) || page.compression !== 1 || page.predictor !== 1 || page.tiled) return undefined;
      const rowBytes = page.width * (page.planar === 2 ? 1 : page.samplesPerPixel) * bps;
      const planes = page.planar === 2 ? page.samplesPerPixel : 1;
      const perPlane = Math.ceil(page.height / page.chunkHeight);
      for (let k = 0; k < perPlane * planes; k++) {
        if (page.offsets[k] !== expected) return undefined;
        const rows = Math.min(page.chunkHeight, page.height - (k % perPlane) * page.chunkHeight);
        expected += rows * rowBytes;
      }
    }
  }
  return view(page0.dtype, c.bytes.buffer, c.bytes.byteOffset + start, total);
}

/** ImageJ stacks whose planes follow the first page's data back to back (only the first IFD is needed). */
function decodeContiguous(c: TiffContainer, page0: TiffPage, nPlanes: number, data: ReturnType<typeof allocate>, zlib: Zlib): void {
  const planeBytes = pageLength(page0) * (page0.bitsPerSample / 8);
  const start = page0.offsets[0];
  const end = start + planeBytes * nPlanes;
  if (page0.bilevel || page0.float16 || page0.planar === 2) {
    throw new ImageError('unsupported ImageJ stack layout (contiguous 1-bit or 16-bit float planes)', { file: c.file });
  }
  if (end > c.bytes.length) {
    throw new ImageError(
      `truncated TIFF: ${nPlanes} contiguous ImageJ planes need bytes up to ${end} but the file ends at ${c.bytes.length}`,
      { file: c.file },
    );
  }
  const planeLen = pageLength(page0);
  for (let i = 0; i < nPlanes; i++) {
    const planePage: TiffPage = {
      ...page0,
      index: i,
      chunkHeight: page0.height,
      offsets: [start + i * planeBytes],
      byteCounts: [planeBytes],
    };
    decodePage(c.file, c.bytes, c.littleEndian, planePage, data, i * planeLen, zlib);
  }
}
