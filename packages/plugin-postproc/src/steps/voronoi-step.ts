import { numberOrAuto, z, type Kernel } from '@biaflow/core';
import { voronoi } from '@biaflow/image';
import { channelOf, labelsOf, probabilitiesOf, spatialSpacing, thresholdValue } from './prediction-parts';

export function registerVoronoi(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: 'voronoi',
    takes: ['labels', 'probabilities'],
    gives: ['labels'],
    description:
      'Grow the labels to fill a foreground mask: every voxel where the probability channel exceeds the threshold takes the label of the nearest labelled voxel (physical distance).',
    options: z.strictObject({
      channel: z.number().int().min(0).default(0).describe('Probability channel that defines the foreground to fill.'),
      threshold: numberOrAuto().default('auto').describe('Foreground is channel > threshold; `auto` uses Otsu\'s threshold.'),
    }),
    run(prediction, options) {
      const labels = labelsOf('voronoi', prediction);
      const channel = channelOf('voronoi', probabilitiesOf('voronoi', prediction), options.channel, prediction.name);
      const t = thresholdValue(options.threshold, channel);
      const mask = new Uint8Array(channel.data.length);
      for (let i = 0; i < mask.length; i++) mask[i] = channel.data[i] > t || labels.data[i] !== 0 ? 1 : 0;
      const grown = voronoi(labels, { data: mask, shape: channel.shape }, { spacing: spatialSpacing(prediction, labels.shape.length) });
      return { ...prediction, labels: grown };
    },
  });
}
