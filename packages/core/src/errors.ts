// @biaflow/core/errors: the error classes (from @biaflow/fs, the ground floor), for code that runs in
// a browser and takes nothing else of core (`@biaflow/engine-tfjs/browser`).
export * from '@biaflow/fs/errors';
