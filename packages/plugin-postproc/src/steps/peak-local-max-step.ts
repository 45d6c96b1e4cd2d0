import { numberOrAuto, z, type Kernel } from '@biaflow/core';
import { peakLocalMax } from '@biaflow/image';
import { channelOf, probabilitiesOf, thresholdValue } from './prediction-parts';

/**
 * The largest \`min_distance\`: every pixel is compared with a (2·min_distance+1) box along each
 * axis, so the cost grows with it (up to the image's side); peaks are a few pixels apart.
 */
export const MAX_MIN_DISTANCE = 100;

export function registerPeakLocalMax(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: 'peak_local_max',
    kind: 'decode',
    takes: ['probabilities'],
    gives: ['points'],
    description: 'Detect points as the local maxima of one probability channel (scikit-image\'s peak_local_max); each point keeps its probability as score.',
    problems: ['detection'],
    options: z.strictObject({
      channel: z.number().int().min(0).default(0).describe('Probability channel to search (0-based).'),
      threshold: numberOrAuto().default(0.2).describe('Peaks must exceed this probability; `auto` uses Otsu\'s threshold.'),
      min_distance: z
        .number()
        .int()
        .min(0)
        .max(MAX_MIN_DISTANCE, { message: `is more than ${MAX_MIN_DISTANCE}, biaflow's cap on min_distance (the cost grows with the (2·min_distance+1) box): use a smaller distance` })
        .default(1)
        .describe(`Peaks are at least this many voxels apart (and maxima of a 2·min_distance+1 box); at most ${MAX_MIN_DISTANCE} (the cost grows with the box).`),
      exclude_border: z.boolean().default(false).describe('Ignore peaks within min_distance of the border.'),
    }),
    run(prediction, options) {
      const channel = channelOf('peak_local_max', probabilitiesOf('peak_local_max', prediction), options.channel, prediction.name);
      const peaks = peakLocalMax(channel, {
        minDistance: options.min_distance,
        thresholdAbs: thresholdValue(options.threshold, channel),
        excludeBorder: options.exclude_border,
      });
      const ndim = channel.shape.length as 2 | 3;
      const coordinates = new Float64Array(peaks.length * ndim);
      const scores = new Float32Array(peaks.length);
      const [, Y, X] = ndim === 3 ? channel.shape : [1, ...channel.shape];
      peaks.forEach((p, i) => {
        coordinates.set(p, i * ndim);
        const [z0, y, x] = ndim === 3 ? p : [0, ...p];
        scores[i] = channel.data[(z0 * Y + y) * X + x];
      });
      return { ...prediction, points: { ndim, coordinates, scores } };
    },
  });
}
