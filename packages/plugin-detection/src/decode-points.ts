import type { NdArray, PointList } from '@biaflow/core';
import { otsuThreshold, peakLocalMax, suppressClosePoints } from '@biaflow/image';

export interface DecodePointsOptions {
  /** A peak must exceed this probability; `auto`: Otsu's threshold of each channel. */
  threshold: number | 'auto';
  /** Peaks are at least this many voxels apart (Chebyshev) and maxima of a (2·minDistance+1) box. */
  minDistance: number;
  /** Then, of two points of one class within this distance (physical units), the lower-scoring one goes; 0 = off. */
  closeRadius: number;
  /** Voxel size along the spatial axes, for `closeRadius`; default 1. */
  spacing?: number[];
  /** Ignore peaks within minDistance of the border. */
  excludeBorder?: boolean;
}

export type DetectedPoints = PointList & { scores: Float32Array };

/**
 * Points from a detection network's output `[...spatial, channels]`: in each channel the local
 * maxima above the threshold (scikit-image's peak_local_max), then close points of one channel
 * suppressed, the higher probability winning. Each point keeps its probability as score; with
 * several channels, channel c gives class c + 1. Points come channel by channel, highest score first.
 */
export function decodePoints(probabilities: NdArray, options: DecodePointsOptions): DetectedPoints {
  const shape = probabilities.shape;
  const ndim = (shape.length - 1) as 2 | 3;
  if (ndim !== 2 && ndim !== 3) throw new RangeError(`expected [y, x, c] or [z, y, x, c] probabilities, got [${shape.join(', ')}]`);
  const channels = shape[ndim];
  const spatial = shape.slice(0, ndim);
  const n = probabilities.data.length / channels;
  const coords: number[] = [];
  const scores: number[] = [];
  const classes: number[] = [];
  for (let c = 0; c < channels; c++) {
    const data = new Float32Array(n);
    for (let i = 0, j = c; i < n; i++, j += channels) data[i] = probabilities.data[j];
    const channel = { data, shape: spatial };
    const threshold = options.threshold === 'auto' ? otsuThreshold(channel) : options.threshold;
    const peaks = peakLocalMax(channel, { minDistance: options.minDistance, thresholdAbs: threshold, excludeBorder: options.excludeBorder ?? false });
    const found: DetectedPoints = {
      ndim,
      coordinates: Float64Array.from(peaks.flat()),
      scores: Float32Array.from(peaks, (p) => data[flatIndex(p, spatial)]),
    };
    const kept = options.closeRadius > 0 ? suppressClosePoints(found, { radius: options.closeRadius, spacing: options.spacing }) : found;
    coords.push(...kept.coordinates);
    scores.push(...kept.scores);
    for (let i = 0; i < kept.scores.length; i++) classes.push(c + 1);
  }
  const points: DetectedPoints = { ndim, coordinates: Float64Array.from(coords), scores: Float32Array.from(scores) };
  if (channels > 1) points.classes = Int32Array.from(classes);
  return points;
}

function flatIndex(p: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let k = 0; k < shape.length; k++) flat = flat * shape[k] + p[k];
  return flat;
}
