// @biaflow/io: biaflow's image and point files in Node — read, write, headers, point CSVs — and the
// plugin that registers them as a run's readers and writers (`ioPlugin`). The codecs themselves are
// pure (`@biaflow/io/codecs`, for browsers); this entry binds them to files and to Node's zlib, and
// turns a bad file into core's `InputError` (exit 2) naming it.
export { ioPlugin } from './plugin';
export { IMAGE_READERS, IMAGE_WRITERS, POINTS_FORMATS } from './readers';
export { readImage, readImageSync, decodeImage } from './node/read-image';
export { writeImage, writeImageSync, encodeImage } from './node/write-image';
export { readImageHeader } from './node/read-header';
export { readPoints, writePoints, parsePointsCsv, formatPointsCsv } from './node/points-file';
export { listImageFiles } from './node/list-image-files';
export { nodeZlib } from './node/node-zlib';
export { sniffFormat, formatFromExtension, IMAGE_EXTENSIONS, type ImageFormat } from './codecs/decode-image';
export { checkImageSize, type ReadImageOptions } from './codecs/size-limit';
export type { WriteImageInput, WriteImageOptions } from './codecs/encode-image';
export type { ImageHeader } from './codecs/image-header';
export type { PointsFile } from './codecs/points-csv';
export { IO_VERSION } from './version';

// A plugin package's default export is its plugin (the loader and `biaflow plugins --check` take it from there).
export { ioPlugin as default } from './plugin';
