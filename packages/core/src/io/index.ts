// Image and point I/O: the only way the rest of biaflow reads and writes image files.
export type { TypedArray, DType, NdArray, Image, PointList } from '@biaflow/image';
export { readImage, readImageSync, decodeImage, sniffFormat, IMAGE_EXTENSIONS, type ImageFormat, type ReadImageOptions } from './read-image';
export { writeImage, writeImageSync, encodeImage, type WriteImageInput, type WriteImageOptions } from './write-image';
export { listImageFiles } from './list-image-files';
export { transpose } from '@biaflow/image';
export { AXIS_LETTERS } from '@biaflow/image';
export { dtypeOf, bytesPerElement, allocateTypedArray, DTYPES } from '@biaflow/image';
export { validateAxes, defaultAxes } from '@biaflow/image';
export { toModelLayout, fromModelLayout } from '@biaflow/image';
export { readLabelImage } from './read-label-image';
export { readPoints, writePoints, parsePointsCsv, formatPointsCsv, type PointsFile } from './points-csv';
