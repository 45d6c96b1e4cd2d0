// @biaflow/io/codecs: the image and point file formats as pure functions over bytes and text — no
// Node, no file system, no @biaflow/core — so they run in a browser. Deflate is injected (`Zlib`):
// the pure-JS fflate by default; the Node entry (`@biaflow/io`) passes Node's zlib. Bad bytes throw
// an `ImageError` naming the file.
export { decodeImage, sniffFormat, formatFromExtension, extensionOf, IMAGE_EXTENSIONS, type ImageFormat } from './decode-image';
export { encodeImage, encodeImageParts, type WriteImageInput, type WriteImageOptions } from './encode-image';
export { imageHeaderFromBytes, type ImageHeader } from './image-header';
export { parsePointsCsv, formatPointsCsv, type PointsFile } from './points-csv';
export { checkImageSize, type ReadImageOptions } from './size-limit';
export { InflateLimitError, type Zlib } from './zlib';
export { fflateZlib } from './fflate-zlib';
