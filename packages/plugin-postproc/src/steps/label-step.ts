import { z, type Kernel } from '@biaflow/core';
import { label } from '@biaflow/image';
import { labelsOf } from './prediction-parts';

export function registerLabel(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: 'label',
    takes: ['labels'],
    gives: ['labels'],
    description: 'Number the connected components of the labels\' foreground (non-zero voxels) 1..n, in raster order: a mask becomes instances.',
    options: z.strictObject({
      connectivity: z
        .number()
        .int()
        .min(1)
        .max(3)
        .default(3)
        .describe('1 = faces only, 2 = faces and edges, 3 = faces, edges and corners (in 2D, 2 and 3 both mean corners).'),
    }),
    run(prediction, options) {
      const labels = labelsOf('label', prediction);
      const foreground = new Uint8Array(labels.data.length);
      for (let i = 0; i < foreground.length; i++) foreground[i] = labels.data[i] !== 0 ? 1 : 0;
      const connectivity = Math.min(options.connectivity, labels.shape.length);
      return { ...prediction, labels: label({ data: foreground, shape: labels.shape }, { connectivity }) };
    },
  });
}
