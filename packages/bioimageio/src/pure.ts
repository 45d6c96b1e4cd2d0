/**
 * The browser-safe part of @biaflow/bioimageio: typed arrays and strings in and out, no Node
 * import. File access comes in through a `PackageSource`; hashing through an injected function.
 */
export * from './ndarray';
export * from './errors';
export { printable, quote, excerptText } from './printable';
export * from './npy';
export * from './layout';
export * from './tiling';
export * from './tiling-rules';
export * from './tolerance';
export * from './support';
export * from './bytes-text';
export * from './zip';
export * from './zip-directory';
export * from './schema-validation';
export * from './read-limit';
export * from './package-source';
export * from './build-package';
export * from './test-model';
export * from './description/types';
export * from './description/read';
export * from './description/check';
export * from './description/sizes';
export * from './description/tensor-shapes';
export * from './description/tensor-size-limit';
export * from './description/file-references';
export { parseModelDescriptionV05 } from './description/parse-v0-5';
export { convertV04ToV05 } from './description/convert-v0-4';
export * from './processing/apply';
export * from './processing/registry';
export { castTo } from './processing/ops/ensure-dtype';
export type { AxesTensor, StepContext, ProcessingOp } from './processing/step-context';
export type { Groups, QuantileMethod } from './processing/reduce';
