import { numberOrAuto, z, type Kernel } from '@biaflow/core';
import { channelOf, probabilitiesOf, thresholdValue } from './prediction-parts';

export function registerThreshold(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: 'threshold',
    kind: 'decode',
    takes: ['probabilities'],
    gives: ['labels'],
    description: 'Binarize one probability channel into a 0/1 mask (labels): value > threshold. `auto` picks Otsu\'s threshold per image.',
    options: z.strictObject({
      channel: z.number().int().min(0).default(0).describe('Probability channel to binarize (0-based).'),
      value: numberOrAuto().default(0.5).describe('Threshold, or `auto` for Otsu\'s threshold of that channel.'),
    }),
    run(prediction, options, { run }) {
      const channel = channelOf('threshold', probabilitiesOf('threshold', prediction), options.channel, prediction.name);
      const t = thresholdValue(options.value, channel);
      const mask = new Uint8Array(channel.data.length);
      for (let i = 0; i < mask.length; i++) mask[i] = channel.data[i] > t ? 1 : 0;
      run.logger.debug({ image: prediction.name, threshold: t }, 'threshold');
      return { ...prediction, labels: { data: mask, shape: channel.shape } };
    },
  });
}
