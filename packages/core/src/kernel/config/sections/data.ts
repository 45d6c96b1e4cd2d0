import { z } from 'zod';
import { NORMALIZATION_METHODS, NORMALIZATION_SCOPES } from '@biaflow/image';
import { pathString, positiveInt, probability, section } from '../schema-helpers';

/** What `data.nan` does with NaN or infinite pixels: refuse the image, or replace them (by its finite median). */
const NON_FINITE_POLICIES = ['refuse', 'replace'] as const;
export type NonFinitePolicy = (typeof NON_FINITE_POLICIES)[number];

const folderPair = (what: string) =>
  section(
    {
      images: pathString().optional().describe(`Folder (or single file) of ${what} images.`),
      labels: pathString()
        .optional()
        .describe(`Folder of ${what} labels (label images or point files, as the workflow's data layout says), matched to images by file name (stem). Not used when classes are folders.`),
    },
    `${what[0].toUpperCase()}${what.slice(1)} data.`,
  );

export const dataSection = section(
  {
    train: folderPair('training'),
    val: section(
      {
        images: pathString().optional().describe('Folder of validation images; when absent, data.val.split of the training data is used.'),
        labels: pathString().optional().describe('Folder of validation labels.'),
        split: z
          .number()
          .gt(0)
          .lt(1)
          .default(0.1)
          .describe('Fraction of the training images held out for validation when there is no validation folder (seeded).'),
      },
      'Validation data.',
    ),
    test: folderPair('test'),
    patch_size: z
      .array(positiveInt())
      .min(2)
      .max(3)
      .optional()
      .describe('Patch size in pixels, spatial axes only ([y, x] or [z, y, x]). Default [256, 256] in 2D, [32, 128, 128] in 3D.'),
    channels: positiveInt()
      .optional()
      .describe('Channels every image must have; when absent, the first training image decides and all others must match.'),
    in_memory: z
      .boolean()
      .default(true)
      .describe('Keep the training and validation images in memory (fast); false reads each image from disk when a patch of it is needed.'),
    nan: z
      .enum(NON_FINITE_POLICIES)
      .default('refuse')
      .describe(
        "What to do with NaN or infinite pixels in a (float) training, validation or test image, found when its pixels are first read: refuse: stop with exit code 2 naming the file (before the first training step; a test image before its outputs are written, those already predicted are kept); replace: replace them by the median of the image's finite values (per channel) and log how many. Integer images cannot hold them; labels holding them are always refused.",
      ),
    normalization: section(
      {
        method: z
          .enum(NORMALIZATION_METHODS)
          .default('zscore')
          .describe(
            "div: divide by the image dtype's maximum (255, 65535); zscore: zero mean, unit variance; percentile: clip to the percentiles, then scale to [0, 1]; none.",
          ),
        scope: z
          .enum(NORMALIZATION_SCOPES)
          .default('image')
          .describe('Where statistics are measured: each whole image, each patch, or once over all training images (stored with the model).'),
        percentiles: z
          .tuple([z.number().min(0).max(100), z.number().min(0).max(100)])
          .refine(([a, b]) => a < b, { message: 'the lower percentile must be below the upper one' })
          .default([1, 99.8])
          .describe('Lower and upper percentile for method percentile.'),
      },
      'Intensity normalization, per channel. The model bundle stores it, so prediction normalizes exactly as training did.',
    ),
    labels: section(
      {
        mapping: z
          .record(z.string().regex(/^-?\d+$/, 'keys must be integer label values'), z.number().int())
          .optional()
          .describe(
            'Label values to replace, e.g. {255: 1}. When absent, the workflow decides: a class-map workflow turns a label set holding one non-zero value (0/255 masks) into 0/1; object labels are never changed.',
          ),
      },
      'How stored labels become class indices.',
    ),
    sampling: section(
      {
        foreground_probability: probability()
          .default(0)
          .describe('Probability that a training patch is placed over a random foreground (non-zero label) pixel; otherwise uniformly at random.'),
        patches_per_epoch: z
          .union([positiveInt(), z.literal('auto')])
          .default('auto')
          .describe('Training patches per epoch; auto: enough patches to cover each training image once.'),
      },
      'How training patches are drawn.',
    ),
  },
  'Where the images and labels are, and how they are cut into patches.',
);

export type DataSettings = z.output<typeof dataSection>;
