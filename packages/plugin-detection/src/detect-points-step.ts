import { InputError, numberOrAuto, z, type Kernel, type Prediction } from '@biaflow/core';
import { decodePoints } from './decode-points';

export const DETECT_POINTS_STEP = 'detect_points';

/**
 * The largest \`min_distance\`: every pixel is compared with a (2·min_distance+1) box along each
 * axis, so the cost grows with it (up to the image's side); spots are a few pixels apart.
 */
export const MAX_MIN_DISTANCE = 100;

export const detectPointsOptions = z.strictObject({
  threshold: numberOrAuto()
    .default(0.3)
    .describe('A point is a local maximum of the probability above this value (per class channel); `auto`: Otsu\'s threshold of each channel.'),
  min_distance: z
    .number()
    .int()
    .min(0)
    .max(MAX_MIN_DISTANCE, { message: `is more than ${MAX_MIN_DISTANCE}, biaflow's cap on min_distance (the cost grows with the (2·min_distance+1) box): use a smaller distance` })
    .default(3)
    .describe(
      `Local maxima are at least this many pixels apart (Chebyshev) and maxima of a (2·min_distance+1) box, as peak_local_max; at most ${MAX_MIN_DISTANCE} (the cost grows with the box).`,
    ),
  close_radius: z
    .number()
    .min(0)
    .default(3)
    .describe('Then of two points of one class at most this far apart (physical units, using the voxel size) the lower-scoring one is removed; 0 = off.'),
  exclude_border: z.boolean().default(false).describe('Ignore maxima within min_distance of the image border.'),
});

export type DetectPointsSettings = z.output<typeof detectPointsOptions>;

/** Voxel size along the spatial axes ([z,] y, x) from the input's metadata; 1 where unknown. */
export function spacingOf(source: Prediction['source'], ndim: number): number[] {
  return [...(ndim === 3 ? 'ZYX' : 'YX')].map((a) => {
    const i = source.axes.indexOf(a);
    const s = i >= 0 ? source.spacing[i] : null;
    return typeof s === 'number' && s > 0 ? s : 1;
  });
}

/** The detection workflow's decoding: probabilities → points with scores (and classes). */
export function registerDetectPoints(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: DETECT_POINTS_STEP,
    kind: 'decode',
    takes: ['probabilities'],
    gives: ['points'],
    defaultFor: ['detection'],
    problems: ['detection'],
    description:
      'Detection decoding: in each class channel the local maxima of the probability above `threshold` (peak_local_max, `min_distance` apart), then points of one class within `close_radius` of a higher-scoring one removed. Each point keeps its probability as score.',
    options: detectPointsOptions,
    run(prediction, options: DetectPointsSettings, { run }) {
      const p = prediction.probabilities;
      if (!p) throw new InputError(`post-processing step "${DETECT_POINTS_STEP}" needs the network's probabilities, but ${prediction.name} has none`);
      const ndim = p.shape.length - 1;
      const points = decodePoints(p, {
        threshold: options.threshold,
        minDistance: options.min_distance,
        closeRadius: options.close_radius,
        spacing: spacingOf(prediction.source, ndim),
        excludeBorder: options.exclude_border,
      });
      run.logger.debug({ image: prediction.name, points: points.scores.length }, 'detect_points');
      return { ...prediction, points };
    },
  });
}
