import { z } from 'zod';
import { pathString, positiveInt, section } from '../schema-helpers';

const folderPair = (what: string) =>
  section(
    {
      images: pathString().optional().describe(`Folder (or single file) of ${what} images.`),
      labels: pathString()
        .optional()
        .describe(`Folder of ${what} labels, matched to images by file name (stem). Not used by classification.`),
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
  },
  'Where the images and labels are, and how they are cut into patches.',
);
