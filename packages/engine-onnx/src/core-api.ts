/**
 * Everything this package takes from @biaflow/core, in one place so the imports can be re-pointed
 * when core is split up. All of it is core's public API.
 */
export { BUNDLE_FORMAT, InputError, loadModel, MODEL_JSON, type BundleMeta, type NdArray } from '@biaflow/core';
