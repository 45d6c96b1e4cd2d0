import { FLIP_AXES, type AugmentSettings as PipelineAugmentSettings } from '@biaflow/image';
import { z } from 'zod';
import { probability, section } from '../schema-helpers';

/** `[low, high]`: a value is drawn uniformly between them for each augmented sample. */
const range = (low: number, high: number, description: string, min = -Infinity) =>
  z
    .tuple([z.number().min(min), z.number().min(min)])
    .refine(([a, b]) => a <= b, { message: 'the first value must not be larger than the second' })
    .default([low, high])
    .describe(description);

const chance = (value: number, what: string) =>
  probability().default(value).describe(`Probability that a training sample gets ${what}.`);

export const augmentSection = section(
  {
    enabled: z
      .boolean()
      .default(true)
      .describe(
        "Augment training samples (never validation or test). Core's augmentations run first, then any plugin taps on the augment hook.",
      ),
    flip: section(
      {
        probability: chance(0.5, 'a flip, drawn separately for each axis listed'),
        axes: z
          .array(z.enum(FLIP_AXES))
          .default(['z', 'y', 'x'])
          .describe('Axes that may be flipped; z is ignored for 2D data.'),
      },
      'Mirror along an axis.',
    ),
    rot90: section(
      { probability: chance(0.5, 'a rotation by a random multiple of 90° in the y-x plane (180° only when the patch is not square)') },
      'Rotation by multiples of 90° (exact, no interpolation).',
    ),
    rotate: section(
      {
        probability: chance(0, 'a rotation by an arbitrary angle in the y-x plane'),
        degrees: range(-180, 180, 'Range of the rotation angle in degrees.'),
      },
      'Rotation by an arbitrary angle; the image is interpolated linearly, the label takes the nearest value; borders are mirrored.',
    ),
    zoom: section(
      {
        probability: chance(0, 'a zoom'),
        range: range(0.8, 1.2, 'Range of the zoom factor (> 1 magnifies).', 0.01),
        in_z: z.boolean().default(false).describe('3D: zoom along z too (off: z is often sampled more coarsely than y and x).'),
      },
      'Zoom in or out about the centre.',
    ),
    elastic: section(
      {
        probability: chance(0, 'an elastic deformation'),
        alpha: z.number().min(0).default(10).describe('Largest displacement in pixels.'),
        sigma: z.number().positive().default(4).describe('Smoothness of the displacement field in pixels (Gaussian sigma).'),
      },
      'Smooth random deformation in the y-x plane (the same for every z plane of a volume).',
    ),
    gamma: section(
      { probability: chance(0, 'a gamma change'), range: range(0.7, 1.5, 'Range of the gamma exponent.', 0.01) },
      "Gamma on the sample's intensity range (min to max of the sample).",
    ),
    brightness: section(
      {
        probability: chance(0, 'a brightness change'),
        range: range(-0.1, 0.1, "Range of the offset, as a fraction of the sample's intensity range."),
      },
      'Add a constant.',
    ),
    contrast: section(
      { probability: chance(0, 'a contrast change'), range: range(0.8, 1.2, 'Range of the factor applied around the mean.', 0) },
      'Stretch or squeeze intensities around the mean.',
    ),
    blur: section(
      { probability: chance(0, 'a Gaussian blur'), sigma: range(0.5, 1.5, 'Range of the blur sigma in pixels (y and x).', 0) },
      'Gaussian blur in the y-x plane.',
    ),
    gaussian_noise: section(
      {
        probability: chance(0, 'Gaussian noise'),
        std: range(0.01, 0.05, "Range of the noise standard deviation, as a fraction of the sample's intensity range.", 0),
      },
      'Additive Gaussian noise.',
    ),
    poisson_noise: section(
      {
        probability: chance(0, 'Poisson (shot) noise'),
        peak: range(20, 200, 'Range of the photon count the brightest value stands for (lower = noisier).', 1),
      },
      'Shot noise: intensities are rescaled to photon counts, resampled from a Poisson distribution and scaled back.',
    ),
    cutout: section(
      {
        probability: chance(0, 'cut-out boxes'),
        count: range(1, 3, 'Range of the number of boxes.', 1),
        size: range(0.05, 0.2, 'Range of the box side, as a fraction of the patch side.', 0),
        fill: z.number().default(0).describe('Value written into the boxes (after normalization).'),
        apply_to_label: z.boolean().default(false).describe('Also set the label to 0 inside the boxes.'),
      },
      'Blank out random boxes.',
    ),
  },
  'Data augmentation of training samples: image and label change together (the label by nearest value, never interpolated; point annotations as coordinates, by the same transform). Every random choice derives from system.seed.',
);

export type AugmentSettings = z.output<typeof augmentSection>;

// The resolved section is what the pure pipeline's `augmentSample` takes: this line stops compiling if they drift.
true satisfies (AugmentSettings extends PipelineAugmentSettings ? true : false);
