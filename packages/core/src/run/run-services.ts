import { dataIOFrom } from '../data/data-io';
import type { ImageReader, PointsFormat } from '../kernel/contributions/image-io';
import type { RandomSource } from '@biaflow/image';
import type { RunContext } from '../kernel/run-context';
import { Tokens } from '../kernel/tokens';

/** The data I/O of a run: the image readers and points formats in its container, with its cap on the decoded size of an image. */
export function runDataIO(run: Pick<RunContext, 'kernel' | 'config'>) {
  const { kernel } = run;
  return dataIOFrom(kernel.resolveAll<ImageReader>(Tokens.ImageReader), { maxMegavoxels: run.config.system.max_image_megavoxels }, kernel.resolveAll<PointsFormat>(Tokens.PointsFormat));
}

/** The run's random source (core's, unless a plugin provided another). */
export function runRandom(run: Pick<RunContext, 'container'>): RandomSource {
  return run.container.resolve<RandomSource>(Tokens.Random);
}
