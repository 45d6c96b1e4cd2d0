export * from './bundle-meta';
export { dirHandler, MODEL_JSON, WEIGHTS_BIN } from './dir-handler';
export { registerNormalizer, registeredNormalizers, normalizeImage, type Normalizer } from './normalizers';
export { predict, type PredictOptions } from './predict';
export { saveModel, loadModel, readBundleMeta, writeBundle, bundleMeta, isBundle, type BundleInfo, type LoadedModel } from './save-load';
export { padSpatialEnd, cropSpatial } from '@biaflow/image';
