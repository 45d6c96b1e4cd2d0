import type { ImageReader, ImageWriter, PointsFormat } from '@biaflow/core';
import { sniffFormat } from './codecs/decode-image';
import { readImageHeader } from './node/read-header';
import { readImage } from './node/read-image';
import { readPoints, writePoints } from './node/points-file';
import { writeImage } from './node/write-image';

/** The readers this package contributes: TIFF, PNG and JPEG, each recognised by its first bytes. */
export const IMAGE_READERS: readonly ImageReader[] = [
  { name: 'tiff', extensions: ['.tif', '.tiff'], sniff: (head) => sniffFormat(head) === 'tiff', read: readImage, header: readImageHeader },
  { name: 'png', extensions: ['.png'], sniff: (head) => sniffFormat(head) === 'png', read: readImage, header: readImageHeader },
  { name: 'jpeg', extensions: ['.jpg', '.jpeg'], sniff: (head) => sniffFormat(head) === 'jpeg', read: readImage, header: readImageHeader },
];

/** The writers this package contributes: TIFF (ImageJ hyperstacks) and PNG. */
export const IMAGE_WRITERS: readonly ImageWriter[] = [
  { name: 'tiff', extensions: ['.tif', '.tiff'], write: writeImage },
  { name: 'png', extensions: ['.png'], write: writeImage },
];

/** Point lists as BiaPy's (napari's) CSV. */
export const POINTS_FORMATS: readonly PointsFormat[] = [{ name: 'csv', extensions: ['.csv'], read: readPoints, write: writePoints }];
