import type { Image, NdArray, TypedArray } from '@biaflow/image';
import { isIntegerArray } from '@biaflow/image';
import { DataError } from '../errors';
import type { Logger } from '../logging/logger';
import { percentiles } from '@biaflow/image';
import type { NonFinitePolicy } from '../kernel/config/sections/data';

/**
 * NaN and infinite pixels of an input image (`data.nan`). One NaN in a training patch makes the
 * loss or the gradients NaN and every weight with them; one in a test tile spreads through the
 * convolutions over the whole tile. So they are found where an image's pixels are first read —
 * the data check before training, and each test image before it is predicted — never later.
 */

export type { NonFinitePolicy };

interface NonFiniteCount {
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

interface Screened<T> {
  image: T;
  /** Set when values were replaced (`replace`); absent when the image held none. */
  replaced?: NonFiniteReplacement;
}

/**
 * Screen an input image for NaN and infinite samples. None (always so for integer images): the
 * image itself. With `refuse`, a DataError (an InputError) naming `file` and the count. With `replace`, a copy
 * whose non-finite samples are each replaced by the median of the finite samples of their channel
 * (`channelAxes`: the axes that tell channels apart, default those named C or S of an Image, or the
 * last axis of an array in model layout); a channel with no finite sample at all is refused even
 * then, having nothing to replace them by. The input is never changed (it may be a caller's array).
 */
export function screenNonFinite<T extends NdArray>(image: T, file: string, policy: NonFinitePolicy, channelAxes = defaultChannelAxes(image)): Screened<T> {
  const count = countNonFinite(image.data);
  if (count.nan + count.infinite === 0) return { image };
  const total = image.data.length;
  if (policy !== 'replace') {
    // The fix is in the message itself: the data check lists it among other files' problems, without hints.
    throw new DataError(
      `holds ${describeNonFinite(count)} (of ${total} samples), which a network can neither learn from nor predict: fix the image, or set data.nan: replace (--set data.nan=replace) to replace them by the median of its finite values`,
      { file },
    );
  }
  const channelOf = channelIndexer(image.shape, channelAxes);
  const channels = channelAxes.reduce((n, a) => n * image.shape[a], 1);
  const finite = Array.from({ length: channels }, () => 0);
  const data = image.data;
  for (let i = 0; i < total; i++) if (data[i] - data[i] === 0) finite[channelOf(i)]++;
  const empty = finite.findIndex((n) => n === 0);
  if (empty >= 0) {
    throw new DataError(`${channels > 1 ? `channel ${empty} holds` : 'holds'} no finite value (${describeNonFinite(count)}): there is nothing to replace them by; fix or remove the image`, { file });
  }
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
  return { image: { ...image, data: copy }, replaced: { ...count, values } };
}

/**
 * `screenNonFinite` for an image about to be used, telling the log (a warning naming the file, the
 * count and the value) when values were replaced; `quiet` for an image whose replacement was
 * already told (a validation image read again after training).
 */
export function screenInputImage<T extends NdArray>(image: T, file: string, policy: NonFinitePolicy | undefined, logger?: Logger, quiet = false): T {
  const { image: screened, replaced } = screenNonFinite(image, file, policy ?? 'refuse');
  if (replaced && !quiet) logReplacement(logger, file, replaced);
  return screened;
}

export function logReplacement(logger: Logger | undefined, file: string, replaced: NonFiniteReplacement): void {
  const by = replaced.values.map((v) => Number(v.toPrecision(6)));
  logger?.warn(
    { event: 'nan-replaced', file, nan: replaced.nan, infinite: replaced.infinite, value: replaced.values },
    `${file}: replaced ${describeNonFinite(replaced)} by ${by.length === 1 ? by[0] : `[${by.join(', ')}] (per channel)`}, the median of its finite values (data.nan: replace)`,
  );
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
