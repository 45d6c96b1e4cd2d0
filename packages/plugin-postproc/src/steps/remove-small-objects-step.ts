import { z, type Kernel } from '@biaflow/core';
import { removeSmallObjects } from '@biaflow/image';
import { labelsOf } from './prediction-parts';

export function registerRemoveSmallObjects(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: 'remove_small_objects',
    takes: ['labels'],
    gives: ['labels'],
    description: 'Remove labelled objects with fewer voxels than `min_size`.',
    options: z.strictObject({
      min_size: z.number().int().min(0).default(10).describe('Objects smaller than this many voxels are removed.'),
    }),
    run(prediction, options) {
      const labels = removeSmallObjects(labelsOf('remove_small_objects', prediction) as never, { minSize: options.min_size });
      return { ...prediction, labels };
    },
  });
}
