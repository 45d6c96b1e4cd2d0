import { listImageFiles } from '../io/list-image-files';
import { toModelLayout } from '../io/model-layout';
import { readPoints } from '../io/points-csv';
import { readImage } from '../io/read-image';
import type { Image, NdArray, PointList } from '@biaflow/image';

/**
 * The image I/O the data pipeline uses: core's `io` functions by default. Passed in rather than
 * imported at each use so tests and library users can feed data from anywhere (memory, another
 * store) through the same checks and batches.
 */
export interface DataIO {
  /** Image files directly inside a folder (or the file itself), sorted by name; absolute paths. */
  listImageFiles(dir: string): string[];
  readImage(file: string): Promise<Image>;
  /** Channels last: `[y, x, c]` / `[z, y, x, c]`; throws an InputError naming `what` when the dimensionality is wrong. */
  toModelLayout(image: Image, ndim: 2 | 3, what?: string): NdArray;
  /** Point files (detection labels), when supported. */
  readPoints?(file: string): Promise<PointList>;
}

/** Core's own image I/O (TIFF, PNG, JPEG; point CSVs). */
export const coreDataIO: DataIO = {
  listImageFiles,
  readImage,
  toModelLayout: (image, ndim, what) => toModelLayout(image, ndim, what),
  readPoints,
};
