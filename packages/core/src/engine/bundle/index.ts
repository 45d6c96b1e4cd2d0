export * from './bundle-meta';
export { dirHandler } from './dir-handler';
export { MODEL_JSON, WEIGHTS_BIN } from '../../kernel/contributions/model-bundle';
export { registerNormalizer, registeredNormalizers, normalizeImage, type Normalizer } from './normalizers';
export { predict, type PredictOptions } from './predict';
export { saveModel, loadModel, writeBundle, bundleMeta, type LoadedModel } from './save-load';
export { type BundleInfo } from '../../kernel/contributions/model-bundle';
export { padSpatialEnd, cropSpatial } from '@biaflow/image';
