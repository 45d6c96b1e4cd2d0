export * from './bundle-meta';
export { dirHandler } from './dir-handler';
export { registerNormalizer, registeredNormalizers, normalizeImage, type Normalizer } from './normalizers';
export { predict, type PredictOptions } from './predict';
export { saveModel, loadModel, writeBundle, bundleMeta, type LoadedModel } from './save-load';
