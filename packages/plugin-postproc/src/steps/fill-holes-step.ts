import { z, type Kernel } from '@biaflow/core';
import { fillLabelHoles } from '@biaflow/image';
import { labelsOf } from './prediction-parts';

export function registerFillHoles(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: 'fill_holes',
    takes: ['labels'],
    gives: ['labels'],
    description: 'Fill the holes of every object: background enclosed by one object takes its label (a 0/1 mask is filled as one object).',
    options: z.strictObject({}),
    run(prediction) {
      return { ...prediction, labels: fillLabelHoles(labelsOf('fill_holes', prediction) as never) };
    },
  });
}
