import fs from 'node:fs';
import path from 'node:path';
import { classFolders, listClassFolders } from '../dataset';
import type { DataLayout } from '@biaflow/core/internals';

function isDirectory(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * One sub-folder per class (`train/WBC/…`, `train/RBC/…`): the folder is each image's label. Each
 * image is one sample. A test folder of class sub-folders is its own ground truth; a flat one is
 * predicted without scoring. Results are filed as `class/file`, so two classes may hold files of
 * the same name.
 */
export const classFolderLayout: DataLayout = {
  name: 'class-folders',
  description: 'one sub-folder per class holding its images; the folder is the label',
  labels: 'none',
  wholeImages: true,
  list: (set, imagesDir, _labelsDir, io, classes) => listClassFolders(set, imagesDir, io, classes),
  testImagesCarryLabels: (dir) => isDirectory(dir) && classFolders(dir).length > 0,
  testImages(dir, io) {
    if (this.testImagesCarryLabels(dir)) {
      return classFolders(dir).flatMap((cls) => io.listImageFiles(path.join(dir, cls)).map((file) => ({ file, name: `${cls}/${path.basename(file)}` })));
    }
    return io.listImageFiles(dir).map((file) => ({ file, name: path.basename(file) }));
  },
  starter: {
    train: '    # one sub-folder per class inside images/ (train/images/WBC/…, train/images/RBC/…)',
    test: '',
  },
};
