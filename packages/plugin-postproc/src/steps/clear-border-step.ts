import { z, type Kernel } from '@biaflow/core';
import { clearBorder } from '@biaflow/image';
import { labelsOf } from './prediction-parts';

export function registerClearBorder(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: 'clear_border',
    takes: ['labels'],
    gives: ['labels'],
    description: 'Remove objects that touch the image border (or come within `buffer_size` voxels of it).',
    options: z.strictObject({
      buffer_size: z.number().int().min(0).default(0).describe('Objects closer than this many voxels to the border are removed too.'),
    }),
    run(prediction, options) {
      return { ...prediction, labels: clearBorder(labelsOf('clear_border', prediction) as never, { bufferSize: options.buffer_size }) };
    },
  });
}
