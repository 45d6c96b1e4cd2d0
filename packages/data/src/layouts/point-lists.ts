import { listPairs, listPointFiles } from '../dataset';
import type { DataLayout } from '@biaflow/core/internals';
import { imageLabelPairs } from './image-label-pairs';

/**
 * Images in one folder, one point list per image in another: a CSV with the image's file stem and
 * columns `axis-0`, `axis-1`[, `axis-2`] (BiaPy's and napari's layout), optionally `class`. A label
 * image in place of a CSV is read as a mask of points.
 */
export const pointLists: DataLayout = {
  name: 'point-lists',
  description: 'images in one folder, a point CSV (axis-0, axis-1[, axis-2][, class]) with the same file name per image in another',
  labels: 'points',
  list: (set, imagesDir, labelsDir, io) => listPairs(set, imagesDir, labelsDir, io, (dir) => listPointFiles(dir, io)),
  testImages: imageLabelPairs.testImages,
  testImagesCarryLabels: () => false,
  starter: {
    train: '    labels: data/train/points   # one CSV per image (axis-0, axis-1[, axis-2][, class]), same file names',
    test: '    labels: data/test/points    # optional: metrics are computed when present',
  },
};
