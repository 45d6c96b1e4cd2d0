export * from './bundle-meta';
export { dirHandler } from './dir-handler';
export { registerNormalizer, registeredNormalizers, normalizeImage, type Normalizer } from './normalizers';
export { predict, type PredictOptions } from './predict';
export { saveModel, loadModel, writeBundle, bundleMeta, type LoadedModel } from './save-load';
export { loadModelFromFiles, memoryHandler, type BundleFiles, type LoadedBundle, type LoadFromFilesOptions } from './load-from-files';
export { checkWeightBytes } from './weight-bytes';
