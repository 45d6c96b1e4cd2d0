import type { Image, NdArray, PointList } from '@biaflow/image';
import { CORE_IMAGE_READERS, readerExtensions, readImageWith } from '../io/image-readers';
import type { ReadImageOptions } from '../io/image-size-limit';
import { listImageFiles } from '../io/list-image-files';
import { toModelLayout } from '@biaflow/image';
import { readPoints } from '../io/points-csv';
import type { ImageReader } from '../kernel/contributions/image-io';

/**
 * The image I/O the data pipeline uses: a run builds it from the image readers in its container
 * (core's TIFF, PNG, JPEG, plus any a plugin registered). Passed in rather than imported at each use
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

/**
 * Data I/O reading images with `readers` (the last one registered for a format wins); `read` is
 * passed to every read (a run passes its `system.max_image_megavoxels`).
 */
export function dataIOFrom(readers: readonly ImageReader[], read?: ReadImageOptions): DataIO {
  const extensions = readerExtensions(readers);
  return {
    extensions,
    listImageFiles: (dir) => listImageFiles(dir, extensions),
    readImage: (file) => readImageWith(readers, file, read),
    toModelLayout: (image, ndim, what) => toModelLayout(image, ndim, what),
    readPoints,
  };
}

/** Core's own image I/O (TIFF, PNG, JPEG; point CSVs). */
export const coreDataIO: DataIO = dataIOFrom(CORE_IMAGE_READERS);
