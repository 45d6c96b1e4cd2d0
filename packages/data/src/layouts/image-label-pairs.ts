import path from 'node:path';
import { listPairs } from '../dataset';
import type { DataLayout } from '@biaflow/core/internals';

/** Images in one folder, label images of the same file stem in another (`cell01.tif` ↔ `cell01.png`). */
export const imageLabelPairs: DataLayout = {
  name: 'image-label-pairs',
  description: 'images in one folder, label images with the same file names (stems) in another',
  labels: 'images',
  list: (set, imagesDir, labelsDir, io) => listPairs(set, imagesDir, labelsDir, io, (dir) => io.listImageFiles(dir)),
  testImages: (dir, io) => io.listImageFiles(dir).map((file) => ({ file, name: path.basename(file) })),
  testImagesCarryLabels: () => false,
  starter: {
    train: '    labels: data/train/labels   # same file names as the images',
    test: '    labels: data/test/labels    # optional: metrics are computed when present',
  },
};
