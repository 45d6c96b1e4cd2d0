import { ConfigError, InputError, numberOrAuto, z, type Kernel, type Prediction } from '@biaflow/core';
import { decodeInstances } from './decode';
import { instanceSettings } from './instance-config';

/** Name of the instance decoding in `postprocess:` lists. */
export const DECODE_METHOD = 'instance_watershed';

const options = z.strictObject({
  seed_threshold: numberOrAuto()
    .default(0.5)
    .describe('Seeds are where the foreground (B) probability is above this; `auto` = Otsu\'s threshold of B in each image.'),
  contour_threshold: numberOrAuto()
    .default(0.1)
    .describe('… and the contour (C) probability below this (channels with C); `auto` = Otsu.'),
  distance_threshold: numberOrAuto()
    .default(0.5)
    .describe('… and the normalized distance (D) above this (channels with D); `auto` = Otsu.'),
  foreground_threshold: numberOrAuto()
    .default(0.3)
    .describe('Objects grow from the seeds (flooding −D, or −B without D) into voxels whose B is above this; `auto` = Otsu.'),
  seed_erosion: z.number().min(0).default(0).describe('Erode the seeds by a ball of this radius (in voxels of the finest axis; z scaled by the voxel size) before labelling them: splits seeds joined by thin bridges.'),
  min_seed_size: z.number().int().min(0).default(10).describe('Seeds with fewer voxels are dropped before the watershed.'),
  min_size: z.number().int().min(0).default(0).describe('Objects with fewer voxels are removed after the watershed.'),
  voronoi: z.boolean().default(false).describe('Give every foreground voxel no seed reached the label of the nearest object (physical distance).'),
});

export type DecodeStepOptions = z.output<typeof options>;

/** Voxel size of a prediction's input along its spatial axes; 1 where unknown. */
function sourceSpacing(prediction: Prediction, ndim: number): number[] {
  const { axes, spacing } = prediction.source;
  return [...(ndim === 3 ? 'ZYX' : 'YX')].map((a) => {
    const s = spacing[axes.indexOf(a)];
    return typeof s === 'number' && s > 0 ? s : 1;
  });
}

/** The instance workflow's decoding, as a `postprocess:` method that runs by default. */
export function registerDecodeStep(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: DECODE_METHOD,
    kind: 'decode',
    takes: ['probabilities'],
    gives: ['labels'],
    problems: ['instance'],
    defaultFor: ['instance'],
    description:
      'Instances from the B/C/D channels by marker-controlled watershed: seeds where B > seed_threshold, C < contour_threshold and D > distance_threshold, grown over −D (or −B) inside B > foreground_threshold; small seeds and objects removed, optional Voronoi filling.',
    options,
    run(prediction, o: DecodeStepOptions, { run }) {
      const probabilities = prediction.probabilities;
      if (!probabilities) throw new InputError(`${DECODE_METHOD} needs the network output, but ${prediction.name} has none`);
      const settings = instanceSettings(run.config);
      const ndim = probabilities.shape.length - 1;
      if (settings.spacing && settings.spacing.length !== ndim) {
        throw new ConfigError([{ path: 'instance.spacing', message: `has ${settings.spacing.length} values but the images have ${ndim} spatial axes` }]);
      }
      const decoded = decodeInstances(probabilities, {
        channels: settings.channels,
        seedThreshold: o.seed_threshold,
        contourThreshold: o.contour_threshold,
        distanceThreshold: o.distance_threshold,
        foregroundThreshold: o.foreground_threshold,
        seedErosion: o.seed_erosion,
        minSeedSize: o.min_seed_size,
        minSize: o.min_size,
        voronoi: o.voronoi,
        spacing: settings.spacing ?? sourceSpacing(prediction, ndim),
      });
      run.logger.debug({ event: 'instance-decode', image: prediction.name, thresholds: decoded.thresholds, objects: decoded.count }, `${decoded.count} objects`);
      return { ...prediction, labels: decoded.labels };
    },
  });
}
