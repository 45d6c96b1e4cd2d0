/**
 * ImageJ hyperstack metadata: the ImageDescription of the first page, `key=value` lines starting
 * with `ImageJ=`. Planes are stored with channels fastest, then slices, then frames, so in C order
 * the leading axes are `TZC`; ImageJ's own calibration is XResolution/YResolution (pixels per
 * `unit`) and `spacing=` (z step in `unit`).
 */
export interface ImageJMetadata {
  images: number;
  channels: number;
  slices: number;
  frames: number;
  spacing?: number;
  unit?: string;
  finterval?: number;
  raw: Record<string, string>;
}

export function isImageJDescription(description: string | undefined): description is string {
  return description !== undefined && description.startsWith('ImageJ=');
}

export function parseImageJDescription(description: string): ImageJMetadata {
  const raw: Record<string, string> = {};
  for (const line of description.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) raw[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  const int = (k: string) => {
    const v = Number.parseInt(raw[k] ?? '', 10);
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const num = (k: string) => {
    const v = Number.parseFloat(raw[k] ?? '');
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  const channels = int('channels') ?? 1;
  const slices = int('slices') ?? 1;
  const frames = int('frames') ?? 1;
  return {
    images: int('images') ?? channels * slices * frames,
    channels,
    slices,
    frames,
    spacing: num('spacing'),
    unit: raw.unit,
    finterval: num('finterval'),
    raw,
  };
}

/** The description ImageJ writes (and Fiji reads back): counts, hyperstack flag, calibration. */
export function formatImageJDescription(m: {
  channels: number;
  slices: number;
  frames: number;
  unit?: string;
  spacing?: number;
  finterval?: number;
  min?: number;
  max?: number;
}): string {
  const images = m.channels * m.slices * m.frames;
  const lines = ['ImageJ=1.11a', `images=${images}`];
  if (m.channels > 1) lines.push(`channels=${m.channels}`);
  if (m.slices > 1) lines.push(`slices=${m.slices}`);
  if (m.frames > 1) lines.push(`frames=${m.frames}`);
  if (images > 1) lines.push('hyperstack=true');
  if (m.channels > 1) lines.push('mode=grayscale');
  if (m.unit) lines.push(`unit=${m.unit}`);
  if (m.spacing !== undefined) lines.push(`spacing=${m.spacing}`);
  if (m.finterval !== undefined) lines.push(`finterval=${m.finterval}`);
  if (m.min !== undefined && m.max !== undefined) lines.push(`min=${m.min}`, `max=${m.max}`);
  if (images > 1) lines.push('loop=false');
  return lines.join('\n') + '\n';
}
