import type { NdArray } from '../core-api';
import type { RgbImage } from './png';

/** Colours of output channels (additive) and classes. */
const PALETTE: readonly (readonly [number, number, number])[] = [
  [0, 230, 0],
  [255, 0, 255],
  [0, 160, 255],
  [255, 200, 0],
  [255, 70, 70],
  [150, 100, 255],
  [0, 230, 200],
  [255, 140, 0],
];

/** A 2D plane of float values `[h, w, c]`. */
interface Plane {
  h: number;
  w: number;
  c: number;
  data: Float32Array;
}

/** The middle z plane of a volume (`[z, y, x, c]`), or the image itself (`[y, x, c]`). */
function middlePlane(a: NdArray<Float32Array>, ndim: 2 | 3): Plane {
  const [h, w, c] = a.shape.slice(ndim - 2);
  if (ndim === 2) return { h, w, c, data: a.data };
  const z = Math.floor(a.shape[0] / 2);
  const size = h * w * c;
  return { h, w, c, data: a.data.subarray(z * size, (z + 1) * size) };
}

/** Low and high display limits of one channel: its 1st and 99.8th percentiles. */
function displayRange(p: Plane, channel: number): [number, number] {
  const v = new Float32Array(p.h * p.w);
  for (let i = 0; i < v.length; i++) v[i] = p.data[i * p.c + channel];
  v.sort();
  const at = (q: number) => v[Math.min(v.length - 1, Math.max(0, Math.round((q / 100) * (v.length - 1))))];
  const lo = at(1);
  const hi = at(99.8);
  return hi > lo ? [lo, hi] : [lo, lo + 1];
}

function stretch(v: number, [lo, hi]: [number, number]): number {
  return Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255)));
}

/** The input as grey (first channel) or RGB (three channels, one range for all so colours keep their balance), contrast-stretched. */
function inputPanel(p: Plane): Uint8Array {
  const out = new Uint8Array(p.h * p.w * 3);
  const channels = p.c === 3 ? [0, 1, 2] : [0, 0, 0];
  const perChannel = channels.map((c) => displayRange(p, c));
  const joint: [number, number] = [Math.min(...perChannel.map((r) => r[0])), Math.max(...perChannel.map((r) => r[1]))];
  const ranges = channels.map(() => joint);
  for (let i = 0; i < p.h * p.w; i++) for (let k = 0; k < 3; k++) out[i * 3 + k] = stretch(p.data[i * p.c + channels[k]], ranges[k]);
  return out;
}

/**
 * The network output: a softmax over several channels as a class map (class 0 black), one channel
 * as grey, several independent channels (sigmoid, raw) as additive colours.
 */
function outputPanel(p: Plane, activation: string): Uint8Array {
  const out = new Uint8Array(p.h * p.w * 3);
  const n = p.h * p.w;
  if (activation === 'softmax' && p.c >= 2) {
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let c = 1; c < p.c; c++) if (p.data[i * p.c + c] > p.data[i * p.c + best]) best = c;
      const colour = best === 0 ? [0, 0, 0] : PALETTE[(best - 1) % PALETTE.length];
      out.set(colour, i * 3);
    }
    return out;
  }
  const ranges = Array.from({ length: p.c }, (_, c): [number, number] => (activation === 'linear' ? displayRange(p, c) : [0, 1]));
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < p.c; c++) {
      const v = stretch(p.data[i * p.c + c], ranges[c]) / 255;
      const colour = p.c === 1 ? [255, 255, 255] : PALETTE[c % PALETTE.length];
      for (let k = 0; k < 3; k++) out[i * 3 + k] = Math.min(255, out[i * 3 + k] + Math.round(v * colour[k]));
    }
  }
  return out;
}

/** Class scores as bars on a dark ground, one colour per class, in a `h × w` panel. */
function barsPanel(scores: Float32Array, h: number, w: number): Uint8Array {
  const out = new Uint8Array(h * w * 3).fill(32);
  const k = scores.length;
  const slot = w / k;
  for (let c = 0; c < k; c++) {
    const top = h - Math.round(Math.max(0, Math.min(1, scores[c])) * h);
    const x0 = Math.floor(c * slot + slot * 0.15);
    const x1 = Math.max(x0 + 1, Math.floor((c + 1) * slot - slot * 0.15));
    for (let y = top; y < h; y++) for (let x = x0; x < x1 && x < w; x++) out.set(PALETTE[c % PALETTE.length], (y * w + x) * 3);
  }
  return out;
}

/** Nearest-neighbour resampling of an RGB panel by `factor` (> 1 enlarges, < 1 subsamples). */
function resample(rgb: Uint8Array, h: number, w: number, H: number, W: number): Uint8Array {
  const out = new Uint8Array(H * W * 3);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.floor((y * h) / H));
    for (let x = 0; x < W; x++) {
      const sx = Math.min(w - 1, Math.floor((x * w) / W));
      out.set(rgb.subarray((sy * w + sx) * 3, (sy * w + sx) * 3 + 3), (y * W + x) * 3);
    }
  }
  return out;
}

export interface CoverOptions {
  ndim: 2 | 3;
  /** The head's activation: how the output is shown. */
  activation: string;
  classifier: boolean;
  /** Height of the cover in pixels (default 256). */
  height?: number;
}

/**
 * The package's cover: the test input (middle plane of a volume, contrast-stretched) beside what
 * the network makes of it (the output channels, or the class scores as bars), same size each, so
 * a square input gives the zoo's 2:1 cover.
 *
 * `input` is `[(z,) y, x, c]` raw values; `output` is `[(z,) y, x, c']` or the class scores `[k]`.
 */
export function coverImage(input: NdArray<Float32Array>, output: NdArray<Float32Array>, options: CoverOptions): RgbImage {
  const inPlane = middlePlane(input, options.ndim);
  const left = inputPanel(inPlane);
  const right = options.classifier ? barsPanel(output.data, inPlane.h, inPlane.w) : outputPanel(middlePlane(output, options.ndim), options.activation);
  const H = options.height ?? 256;
  const W = Math.max(1, Math.round((inPlane.w * H) / inPlane.h));
  const a = resample(left, inPlane.h, inPlane.w, H, W);
  const b = resample(right, inPlane.h, inPlane.w, H, W);
  const rgb = new Uint8Array(H * 2 * W * 3);
  for (let y = 0; y < H; y++) {
    rgb.set(a.subarray(y * W * 3, (y + 1) * W * 3), y * 2 * W * 3);
    rgb.set(b.subarray(y * W * 3, (y + 1) * W * 3), (y * 2 * W + W) * 3);
  }
  return { width: 2 * W, height: H, rgb };
}
