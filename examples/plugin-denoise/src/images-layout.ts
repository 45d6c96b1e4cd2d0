import { type DataLayout } from '@biaflow/core';
import { imageLabelPairs, listPairs } from '@biaflow/data';

/**
 * Training needs the noisy images only (self-supervised): no labels are read. A test folder of
 * clean images (`data.test.labels`) pairs with the results by file name for scoring.
 */
export const noisyImages: DataLayout = {
  name: 'noisy-images',
  description: 'noisy images only; clean images of the same names (data.test.labels) are used for scoring, never for training',
  labels: 'none',
  list: (set, imagesDir, _labelsDir, io) => listPairs(set, imagesDir, undefined, io, () => []),
  testImages: imageLabelPairs.testImages,
  testImagesCarryLabels: () => false,
  starter: {
    train: '    # noisy images only: no labels (self-supervised)',
    test: '    labels: data/test/clean     # optional: clean images of the same names, for PSNR and SSIM',
  },
};
