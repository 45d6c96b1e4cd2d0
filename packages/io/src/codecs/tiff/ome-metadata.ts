import { micrometresPer } from './units';

/**
 * The OME-XML an OME-TIFF carries in the first page's ImageDescription: only what reading the
 * first image (series) needs. A tiny attribute scanner rather than an XML library: the fields are
 * attributes of one `<Pixels>` element and a few child elements.
 */
export interface OmeMetadata {
  dimensionOrder: string;
  sizes: Record<'X' | 'Y' | 'Z' | 'C' | 'T', number>;
  /** Micrometres per step, already converted from the file's units; undefined when absent. */
  physical: Partial<Record<'X' | 'Y' | 'Z', number>>;
  timeIncrement?: number;
  samplesPerPixel: number;
  /** IFD index where the first image's planes start (TiffData IFD=), default 0. */
  firstIfd: number;
  /** TiffData elements pointing at other files: this file holds only part of the image. */
  multiFile: boolean;
  type?: string;
}

export function isOmeDescription(description: string | undefined): description is string {
  if (!description) return false;
  const head = description.slice(0, 2000);
  return head.includes('<OME') && head.includes('http://www.openmicroscopy.org/Schemas/OME/');
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z_:][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(tag)) !== null) out[m[1]] = decodeEntities(m[3] ?? m[4] ?? '');
  return out;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Parse the first `<Image>`'s `<Pixels>`; returns undefined when the XML has none. */
export function parseOmeXml(xml: string): OmeMetadata | undefined {
  const imageStart = xml.search(/<(\w+:)?Image[\s>]/);
  if (imageStart < 0) return undefined;
  const imageEnd = xml.search(/<\/(\w+:)?Image>/);
  const image = xml.slice(imageStart, imageEnd > imageStart ? imageEnd : undefined);
  const pixelsTag = /<(\w+:)?Pixels\b[^>]*>/.exec(image);
  if (!pixelsTag) return undefined;
  const a = attributes(pixelsTag[0]);
  const size = (k: string) => {
    const v = Number.parseInt(a[`Size${k}`] ?? '1', 10);
    return Number.isFinite(v) && v > 0 ? v : 1;
  };
  const physical: OmeMetadata['physical'] = {};
  for (const ax of ['X', 'Y', 'Z'] as const) {
    const v = Number.parseFloat(a[`PhysicalSize${ax}`] ?? '');
    if (!Number.isFinite(v) || v <= 0) continue;
    const per = micrometresPer(a[`PhysicalSize${ax}Unit`] ?? 'µm');
    if (typeof per === 'number') physical[ax] = v * per;
  }
  const channelSpp = /<(\w+:)?Channel\b[^>]*>/.exec(image);
  const spp = channelSpp ? Number.parseInt(attributes(channelSpp[0]).SamplesPerPixel ?? '1', 10) || 1 : 1;
  const tiffData = /<(\w+:)?TiffData\b[^>]*>/.exec(image);
  const td = tiffData ? attributes(tiffData[0]) : {};
  const multiFile = /<(\w+:)?UUID\b[^>]*FileName\s*=/.test(image);
  const ti = Number.parseFloat(a.TimeIncrement ?? '');
  return {
    dimensionOrder: /^XY[ZCT]{3}$/.test(a.DimensionOrder ?? '') ? a.DimensionOrder : 'XYZCT',
    sizes: { X: size('X'), Y: size('Y'), Z: size('Z'), C: size('C'), T: size('T') },
    physical,
    timeIncrement: Number.isFinite(ti) ? ti : undefined,
    samplesPerPixel: spp,
    firstIfd: Number.parseInt(td.IFD ?? '0', 10) || 0,
    multiFile,
    type: a.Type,
  };
}
