import type { Image, NdArray, PointList } from '@biaflow/image';

/**
 * The image I/O the data pipeline uses: a run builds it from the image readers in its container
 * (`@biaflow/io`'s TIFF, PNG, JPEG, plus any a plugin registered). Passed in rather than imported at each use
 * so tests and library users can feed data from anywhere through the same checks and batches.
 */
export interface DataIO {
  /** Extensions of the image files it reads (lower case, with the dot). */
  extensions: readonly string[];
  /** Image files directly inside a folder (or the file itself), sorted by name; absolute paths. */
  listImageFiles(dir: string): string[];
  readImage(file: string): Promise<Image>;
  /** Channels last: `[y, x, c]` / `[z, y, x, c]`; throws an InputError naming `what` when the dimensionality is wrong. */
  toModelLayout(image: Image, ndim: 2 | 3, what?: string): NdArray;
  /** Point files (CSV labels), when supported. */
  readPoints?(file: string): Promise<PointList>;
}

/** One example: an image file and its label file or class. */
export interface DataItem {
  /** File name of the image (relative to its folder; `class/file` for data in class folders). */
  name: string;
  /** Absolute path of the image file. */
  image: string;
  /** Absolute path of the label file (a label image or a point CSV). */
  label?: string;
  /** Data in class folders: index into the class list, and the class folder name. */
  classIndex?: number;
  className?: string;
}

/** Something wrong with one file (or folder), reported together with all others before training. */
export interface DataProblem {
  file: string;
  message: string;
}

export interface ListedData {
  items: DataItem[];
  /** Class folder names, sorted (data in class folders). */
  classes?: string[];
  problems: DataProblem[];
  /** Labels no image matched (not an error; logged). */
  unmatchedLabels: string[];
}

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
