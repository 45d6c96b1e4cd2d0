import type { Image, NdArray, PointList } from '@biaflow/image';
import { toModelLayout } from '@biaflow/image';
import type { ImageReader, PointsFormat, ReadImageOptions } from '../kernel/contributions/image-io';
import { pointsFormatFor, readerExtensions, readImageWith } from './image-readers';
import { listImageFiles } from './list-image-files';

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

/**
 * Data I/O reading images with `readers` (the last one registered for a format wins) and point lists
 * with `points` (by extension); `read` is passed to every read (a run passes its
 * `system.max_image_megavoxels`).
 */
export function dataIOFrom(readers: readonly ImageReader[], read?: ReadImageOptions, points: readonly PointsFormat[] = []): DataIO {
  const extensions = readerExtensions(readers);
  return {
    extensions,
    listImageFiles: (dir) => listImageFiles(dir, extensions),
    readImage: (file) => readImageWith(readers, file, read),
    toModelLayout: (image, ndim, what) => toModelLayout(image, ndim, what),
    ...(points.length ? { readPoints: (file: string) => pointsFormatFor(points, file).read(file) } : {}),
  };
}
