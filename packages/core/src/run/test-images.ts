import fs from 'node:fs';
import path from 'node:path';
import type { ResolvedConfig } from '../config/schema';
import { classFolders } from '../data/dataset';
import { listImageFiles } from '../io/list-image-files';

/** A test image and the name its results are filed under. */
export interface TestImage {
  file: string;
  name: string;
}

function isDirectory(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * True when the test images carry their own ground truth: classification test folders with one
 * sub-folder per class (the data pipeline's layout), scored without `data.test.labels`.
 */
export function testImagesCarryLabels(config: Pick<ResolvedConfig, 'problem' | 'data'>): boolean {
  const dir = config.data.test.images;
  return config.problem.type === 'classification' && Boolean(dir) && isDirectory(dir as string) && classFolders(dir as string).length > 0;
}

/**
 * The images to predict: the image files of the folder (or the file), or — for a classification
 * test folder of class sub-folders — the images of every sub-folder, named `class/file` so two
 * classes may hold files of the same name.
 */
export function listTestImages(config: Pick<ResolvedConfig, 'problem' | 'data'>, dir: string): TestImage[] {
  if (testImagesCarryLabels({ ...config, data: { ...config.data, test: { ...config.data.test, images: dir } } })) {
    return classFolders(dir).flatMap((cls) => listImageFiles(path.join(dir, cls)).map((file) => ({ file, name: `${cls}/${path.basename(file)}` })));
  }
  return listImageFiles(dir).map((file) => ({ file, name: path.basename(file) }));
}
