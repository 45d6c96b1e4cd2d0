import type { NdArray, TypedArray } from '../types';
import { sizeOf } from '../ndarray';
import { percentiles } from './percentile';

/**
 * Intensity normalization. Every method is one affine map per channel after an optional clip:
 * `out = (clip(x, low, high) − offset) / scale`. What differs is where offset/scale come from:
 *
 * - `div`: scale = the maximum of the training images' dtype (255, 65535, …), fixed at training;
 * - `zscore`: offset = mean, scale = standard deviation;
 * - `percentile`: low/high = the given percentiles, offset = low, scale = high − low (→ [0, 1]);
 * - `none`: values are only converted to float32.
 *
 * measured on the whole image (`image`), on each patch (`patch`), or once over all training
 * images (`dataset`, stored). The settings and any fixed statistics form a `NormalizationRecord`,
 * plain JSON, which the model bundle stores so prediction normalizes exactly as training did.
 */
export const NORMALIZATION_METHODS = ['div', 'zscore', 'percentile', 'none'] as const;
export type NormalizationMethod = (typeof NORMALIZATION_METHODS)[number];
export const NORMALIZATION_SCOPES = ['image', 'patch', 'dataset'] as const;
export type NormalizationScope = (typeof NORMALIZATION_SCOPES)[number];

export interface NormalizationOptions {
  method: NormalizationMethod;
  scope: NormalizationScope;
  /** Lower and upper percentile for `percentile` (e.g. [1, 99.8]). */
  percentiles: [number, number];
}

/** Per-channel statistics: `out = (clip(x, low, high) − offset) / scale`. */
export interface ChannelStats {
  offset: number[];
  scale: number[];
  low?: number[];
  high?: number[];
}

/** What a model bundle stores: the settings, and the statistics fixed at training (div, dataset scope). */
export interface NormalizationRecord extends NormalizationOptions {
  version: 1;
  stats?: ChannelStats;
}

export const DEFAULT_NORMALIZATION: NormalizationOptions = { method: 'zscore', scope: 'image', percentiles: [1, 99.8] };

/** Standard deviations below this count as a constant image: it is only centred, not blown up. */
const MIN_SCALE = 1e-6;

/** The largest value a typed array's dtype holds; 1 for floats (taken to be in [0, 1] already unless measured). */
export function dtypeMaximum(data: TypedArray): number {
  if (data instanceof Uint8Array) return 255;
  if (data instanceof Uint16Array) return 65535;
  if (data instanceof Uint32Array) return 4294967295;
  if (data instanceof Int8Array) return 127;
  if (data instanceof Int16Array) return 32767;
  if (data instanceof Int32Array) return 2147483647;
  return 1;
}

/**
 * The `div` divisor for one image: its dtype's maximum; for float images the smallest of 1, 255,
 * 65535 that holds its largest value (float TIFFs often store 8- or 16-bit ranges).
 */
export function divisorFor(data: TypedArray): number {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) return dtypeMaximum(data);
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
  if (max <= 1) return 1;
  if (max <= 255) return 255;
  if (max <= 65535) return 65535;
  return max;
}

/** Statistics of one channels-last array with `ndim` spatial axes (the channels are the trailing axes). */
export function measureStats(settings: NormalizationOptions, array: NdArray, ndim: number): ChannelStats {
  const channels = sizeOf(array.shape.slice(ndim));
  const offset: number[] = [];
  const scale: number[] = [];
  if (settings.method === 'none') return { offset: new Array(channels).fill(0), scale: new Array(channels).fill(1) };
  if (settings.method === 'div') {
    const d = divisorFor(array.data);
    return { offset: new Array(channels).fill(0), scale: new Array(channels).fill(d) };
  }
  if (settings.method === 'zscore') {
    const sum = new Float64Array(channels);
    const sq = new Float64Array(channels);
    const data = array.data;
    for (let i = 0; i < data.length; i += channels) {
      for (let c = 0; c < channels; c++) {
        const v = data[i + c];
        sum[c] += v;
        sq[c] += v * v;
      }
    }
    const n = data.length / channels;
    for (let c = 0; c < channels; c++) {
      const mean = sum[c] / n;
      const variance = Math.max(0, sq[c] / n - mean * mean);
      offset.push(mean);
      scale.push(safeScale(Math.sqrt(variance)));
    }
    return { offset, scale };
  }
  const low: number[] = [];
  const high: number[] = [];
  for (let c = 0; c < channels; c++) {
    const [lo, hi] = percentiles(array.data, settings.percentiles, c, channels);
    low.push(lo);
    high.push(hi);
    offset.push(lo);
    scale.push(safeScale(hi - lo));
  }
  return { offset, scale, low, high };
}

function safeScale(s: number): number {
  return s > MIN_SCALE && Number.isFinite(s) ? s : 1;
}

/** Apply per-channel statistics; always returns a new float32 array of the same shape. */
export function applyStats(array: NdArray, ndim: number, stats: ChannelStats): NdArray<Float32Array> {
  const channels = sizeOf(array.shape.slice(ndim));
  if (stats.offset.length !== channels) {
    throw new RangeError(`normalization statistics are for ${stats.offset.length} channel(s), the image has ${channels}`);
  }
  const src = array.data;
  const out = new Float32Array(src.length);
  const inv = stats.scale.map((s) => 1 / s);
  const { low, high, offset } = stats;
  for (let i = 0; i < src.length; i += channels) {
    for (let c = 0; c < channels; c++) {
      let v = src[i + c];
      if (low && v < low[c]) v = low[c];
      if (high && v > high[c]) v = high[c];
      out[i + c] = (v - offset[c]) * inv[c];
    }
  }
  return { data: out, shape: [...array.shape] };
}

/**
 * Accumulates the statistics fixed at training: the `div` divisor (largest over the training
 * images), and for `dataset` scope the pooled mean/std or percentiles. Percentiles pool a bounded,
 * evenly strided subsample of each image (at most `budget` values in all), so memory stays small.
 */
export class NormalizationFitter {
  private channels = -1;
  private divisor = 0;
  private sum: Float64Array = new Float64Array(0);
  private sq: Float64Array = new Float64Array(0);
  private count = 0;
  private samples: number[][] = [];

  constructor(
    readonly settings: NormalizationOptions,
    private readonly ndim: number,
    private readonly imageCount: number,
    private readonly budget = 1 << 22,
  ) {}

  add(array: NdArray): void {
    const channels = sizeOf(array.shape.slice(this.ndim));
    if (this.channels === -1) {
      this.channels = channels;
      this.sum = new Float64Array(channels);
      this.sq = new Float64Array(channels);
      this.samples = Array.from({ length: channels }, () => []);
    } else if (channels !== this.channels) {
      throw new RangeError(`images have different channel counts (${this.channels} and ${channels})`);
    }
    const { method, scope } = this.settings;
    if (method === 'div') this.divisor = Math.max(this.divisor, divisorFor(array.data));
    if (scope !== 'dataset' || method === 'div' || method === 'none') return;
    const data = array.data;
    const pixels = data.length / channels;
    if (method === 'zscore') {
      for (let i = 0; i < data.length; i += channels) {
        for (let c = 0; c < channels; c++) {
          const v = data[i + c];
          this.sum[c] += v;
          this.sq[c] += v * v;
        }
      }
      this.count += pixels;
      return;
    }
    const perImage = Math.max(1, Math.floor(this.budget / Math.max(1, this.imageCount) / channels));
    const stride = Math.max(1, Math.ceil(pixels / perImage));
    for (let p = 0; p < pixels; p += stride) {
      for (let c = 0; c < channels; c++) this.samples[c].push(data[p * channels + c]);
    }
  }

  /** The record to store in the model bundle. */
  finish(): NormalizationRecord {
    const record: NormalizationRecord = { version: 1, ...this.settings, percentiles: [...this.settings.percentiles] };
    const { method, scope } = this.settings;
    const channels = Math.max(this.channels, 1);
    if (method === 'div') {
      const d = this.divisor || 1;
      record.stats = { offset: new Array(channels).fill(0), scale: new Array(channels).fill(d) };
    } else if (scope === 'dataset' && method === 'zscore' && this.count > 0) {
      const offset: number[] = [];
      const scale: number[] = [];
      for (let c = 0; c < channels; c++) {
        const mean = this.sum[c] / this.count;
        offset.push(mean);
        scale.push(safeScale(Math.sqrt(Math.max(0, this.sq[c] / this.count - mean * mean))));
      }
      record.stats = { offset, scale };
    } else if (scope === 'dataset' && method === 'percentile' && this.samples.length) {
      const low: number[] = [];
      const high: number[] = [];
      for (const s of this.samples) {
        const [lo, hi] = percentiles(Float64Array.from(s), this.settings.percentiles);
        low.push(lo);
        high.push(hi);
      }
      record.stats = { offset: [...low], scale: low.map((lo, c) => safeScale(high[c] - lo)), low, high };
    }
    return record;
  }
}

/**
 * Normalizes arrays as a record says. Statistics fixed in the record win; otherwise they are
 * measured on the array given, which is the whole image for `image` scope and the patch for
 * `patch` scope — the caller decides which array it passes.
 */
export class ImageNormalizer {
  constructor(
    readonly record: NormalizationRecord,
    private readonly ndim: number,
  ) {
    if (record.version !== 1) throw new RangeError(`unknown normalization record version ${String(record.version)}`);
  }

  /** True when statistics come from each patch (training patches, prediction tiles). */
  get perPatch(): boolean {
    return this.record.scope === 'patch' && !this.record.stats && this.record.method !== 'none';
  }

  /** Statistics for an array (the record's own when fixed). */
  statsFor(array: NdArray): ChannelStats {
    return this.record.stats ?? measureStats(this.record, array, this.ndim);
  }

  apply(array: NdArray, stats: ChannelStats = this.statsFor(array)): NdArray<Float32Array> {
    return applyStats(array, this.ndim, stats);
  }
}
