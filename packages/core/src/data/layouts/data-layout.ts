import type { DataIO } from '../data-io';
import type { ListedData } from '../dataset';

/** The three sets a run reads. */
export type SetName = 'training' | 'validation' | 'test';

/** A test image and the name its results are filed under. */
export interface TestImage {
  file: string;
  name: string;
}

/**
 * How a workflow's data is laid out on disk: where the images are, how each gets its label, and
 * how test images are found. Core contributes three (`imageLabelPairs`, `pointLists`,
 * `classFolders`); a workflow with another layout brings its own object.
 */
export interface DataLayout {
  /** `image-label-pairs`, `point-lists`, `class-folders`, or a plugin's own name. */
  name: string;
  description: string;
  /**
   * What a training image's label is: a label image or a point file, each paired with its image
   * by file stem, or nothing (classes come from folders, or the workflow needs no labels).
   */
  labels: 'images' | 'points' | 'none';
  /**
   * Each image is one sample: one patch of it per epoch (a random crop when it is larger) and its
   * centred patch for validation, as a classifier sees it. Otherwise patches cover each image.
   */
  wholeImages?: boolean;
  /** The examples of one set: images (and labels or classes). `classes` fixes the class list (validation and test use the training one). */
  list(set: SetName, imagesDir: string | undefined, labelsDir: string | undefined, io: DataIO, classes?: readonly string[]): ListedData;
  /** The images to predict in a folder (or a file), and the names their results are filed under. */
  testImages(dir: string, io: DataIO): TestImage[];
  /** True when a test folder carries its own ground truth (class sub-folders), so a run scores it without `data.test.labels`. */
  testImagesCarryLabels(dir: string): boolean;
  /** Lines of a starter config's `data.train` and `data.test` under `images:` (labels, with comments). */
  starter: { train: string; test: string };
}
