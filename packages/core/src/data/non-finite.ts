import { describeNonFinite, screenNonFiniteSamples, type NdArray, type NonFiniteReplacement } from '@biaflow/image';
import { DataError } from '../errors';
import type { Logger } from '../logging/logger';
import type { NonFinitePolicy } from '../kernel/config/sections/data';

/**
 * NaN and infinite pixels of an input image (`data.nan`), found where an image's pixels are first
 * read — the data check before training, and each test image before it is predicted — never later.
 * `@biaflow/image` counts and replaces them (`screenNonFiniteSamples`); here a refusal becomes a
 * DataError naming the file, and a replacement a warning in the log.
 */

interface Screened<T> {
  image: T;
  /** Set when values were replaced (`replace`); absent when the image held none. */
  replaced?: NonFiniteReplacement;
}

/**
 * Screen an input image for NaN and infinite samples (`screenNonFiniteSamples`): the image itself, or
 * with `replace` a copy with them replaced; else a DataError (an InputError) naming `file` and the count.
 */
export function screenNonFinite<T extends NdArray>(image: T, file: string, policy: NonFinitePolicy, channelAxes?: number[]): Screened<T> {
  const screened = screenNonFiniteSamples(image, policy, channelAxes);
  switch (screened.outcome) {
    case 'clean':
      return { image };
    case 'replaced':
      return { image: screened.image, replaced: screened.replaced };
    case 'refused':
      // The fix is in the message itself: the data check lists it among other files' problems, without hints.
      throw new DataError(
        `holds ${describeNonFinite(screened.count)} (of ${screened.samples} samples), which a network can neither learn from nor predict: fix the image, or set data.nan: replace (--set data.nan=replace) to replace them by the median of its finite values`,
        { file },
      );
    case 'empty-channel':
      throw new DataError(
        `${screened.channels > 1 ? `channel ${screened.channel} holds` : 'holds'} no finite value (${describeNonFinite(screened.count)}): there is nothing to replace them by; fix or remove the image`,
        { file },
      );
  }
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
