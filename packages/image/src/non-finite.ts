import { isIntegerArray } from './checks';
import { percentiles } from './normalize/percentile';
import type { Image, NdArray, TypedArray } from './types';

/**
 * NaN and infinite samples of an input image. One NaN in a training patch makes the loss or the
 * gradients NaN and every weight with them; one in a test tile spreads through the convolutions over
 * the whole tile. So biaflow screens an image where its pixels are first read. The computation is here
 * (no error thrown: the caller turns a refusal into its own error naming the file); core's data check
 * and prediction say it (`data.nan`).
 */

export interface NonFiniteCount {
  nan: number;
  /** +∞ and −∞. */
  infinite: number;
}

/** NaN and infinite samples of an array. Integer arrays cannot hold either and are not scanned. */
export function countNonFinite(data: TypedArray | ArrayLike<number>): NonFiniteCount {
  const count = { nan: 0, infinite: 0 };
  if (isIntegerArray(data)) return count;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // v - v is 0 for every finite number, NaN for NaN and ±∞: one comparison in the common case.
    if (v - v !== 0) {
      if (v !== v) count.nan++;
      else count.infinite++;
    }
  }
  return count;
}

/** "200 NaN values", "3 infinite values", "200 NaN and 3 infinite values". */
export function describeNonFinite({ nan, infinite }: NonFiniteCount): string {
  const parts = [nan ? `${nan} NaN` : '', infinite ? `${infinite} infinite` : ''].filter(Boolean);
  return `${parts.join(' and ')} value${nan + infinite === 1 ? '' : 's'}`;
}

export interface NonFiniteReplacement extends NonFiniteCount {
  /** What replaced them, per channel: the median of that channel's finite samples. */
  values: number[];
}

/** What screening an image found, for the caller to use or to refuse with its own error. */
export type NonFiniteScreening<T> =
  /** No NaN or infinite sample (always so for integer images): the image itself. */
  | { outcome: 'clean'; image: T }
  /** `replace`: a copy with each one replaced by the median of its channel's finite samples. */
  | { outcome: 'replaced'; image: T; replaced: NonFiniteReplacement }
  /** `refuse`: how many there are, of how many samples. */
  | { outcome: 'refused'; count: NonFiniteCount; samples: number }
  /** `replace`, but channel `channel` (of `channels`) holds no finite sample to replace them by. */
  | { outcome: 'empty-channel'; count: NonFiniteCount; channel: number; channels: number };

/**
 * Screen an image for NaN and infinite samples, refusing them (`refuse`) or replacing them (`replace`)
 * by the median of the finite samples of their channel. `channelAxes`: the axes that tell channels
 * apart, default those named C or S of an Image, or the last axis of an array in model layout. The
 * input is never changed (it may be a caller's array).
 */
export function screenNonFiniteSamples<T extends NdArray>(image: T, policy: 'refuse' | 'replace', channelAxes = defaultChannelAxes(image)): NonFiniteScreening<T> {
  const count = countNonFinite(image.data);
  if (count.nan + count.infinite === 0) return { outcome: 'clean', image };
  const total = image.data.length;
  if (policy !== 'replace') return { outcome: 'refused', count, samples: total };
  const channelOf = channelIndexer(image.shape, channelAxes);
  const channels = channelAxes.reduce((n, a) => n * image.shape[a], 1);
  const finite = Array.from({ length: channels }, () => 0);
  const data = image.data;
  for (let i = 0; i < total; i++) if (data[i] - data[i] === 0) finite[channelOf(i)]++;
  const empty = finite.findIndex((n) => n === 0);
  if (empty >= 0) return { outcome: 'empty-channel', count, channel: empty, channels };
  const byChannel = finite.map((n) => new Float64Array(n));
  const filled = finite.map(() => 0);
  for (let i = 0; i < total; i++) {
    const v = data[i];
    if (v - v === 0) {
      const c = channelOf(i);
      byChannel[c][filled[c]++] = v;
    }
  }
  const values = byChannel.map((v) => percentiles(v, [50])[0]);
  const copy = data.slice() as typeof data;
  for (let i = 0; i < total; i++) if (copy[i] - copy[i] !== 0) copy[i] = values[channelOf(i)];
  return { outcome: 'replaced', image: { ...image, data: copy }, replaced: { ...count, values } };
}

function defaultChannelAxes(image: NdArray): number[] {
  const axes = (image as Partial<Image>).axes;
  if (typeof axes === 'string') return [...axes].flatMap((a, i) => (a === 'C' || a === 'S' ? [i] : []));
  return image.shape.length > 0 ? [image.shape.length - 1] : [];
}

/** Flat (row-major) index → channel number over the given axes. */
function channelIndexer(shape: readonly number[], axes: readonly number[]): (i: number) => number {
  if (axes.length === 0) return () => 0;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((p, n) => p * n, 1));
  const parts = [...axes].sort((a, b) => a - b).map((a) => ({ stride: strides[a], size: shape[a] }));
  if (parts.length === 1 && parts[0].stride === 1) {
    const size = parts[0].size;
    return (i) => i % size;
  }
  return (i) => parts.reduce((c, p) => c * p.size + (Math.floor(i / p.stride) % p.size), 0);
}
