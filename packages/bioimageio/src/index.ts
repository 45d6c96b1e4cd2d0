/**
 * @biaflow/bioimageio: the BioImage Model Zoo package format (bioimageio.yaml, spec 0.5) —
 * read, validate, process, tile, test and write zoo model packages.
 * `./pure` holds everything that runs in a browser; the Node layer adds folders, zips on disk,
 * streamed hashing, the bundled schema and atomic writes.
 */
export * from './pure';
export { folderSource } from './node/folder-source';
export { zipSource } from './node/zip-source';
export { openPackageSource, readModelPackage } from './node/open-package';
export { bundledSchemaValidator, SCHEMA_PATH } from './node/schema';
export { sha256Bytes, sha256File } from './node/sha256';
export { testModelPackage } from './node/test-package';
export { writeModelPackage, removeStaleTemporaries, type WriteOptions } from './node/write-package';
