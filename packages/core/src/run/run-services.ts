import { dataIOFrom } from '../data/data-io';
import type { ImageReader } from '../kernel/contributions/image-io';
import type { RandomSource } from '@biaflow/image';
import type { RunContext } from '../kernel/run-context';
import { Tokens } from '../kernel/tokens';

/** The data I/O of a run: the image readers in its container, with its cap on the decoded size of an image. */
export function runDataIO(run: Pick<RunContext, 'kernel' | 'config'>) {
  return dataIOFrom(run.kernel.resolveAll<ImageReader>(Tokens.ImageReader), { maxMegavoxels: run.config.system.max_image_megavoxels });
}

/** The run's random source (core's, unless a plugin provided another). */
export function runRandom(run: Pick<RunContext, 'container'>): RandomSource {
  return run.container.resolve<RandomSource>(Tokens.Random);
}
