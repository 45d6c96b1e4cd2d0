import { toModelLayout } from '@biaflow/image';
import type { DataIO } from '../kernel/contributions/data-layout';
import type { ImageReader, PointsFormat, ReadImageOptions } from '../kernel/contributions/image-io';

import { pointsFormatFor, readerExtensions, readImageWith } from './image-readers';
import { listImageFiles } from './list-image-files';


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
