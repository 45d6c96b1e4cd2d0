/**
 * Everything this package takes from @biaflow/core, in one place so the imports can be re-pointed
 * when core is split up. All of it is core's public API.
 */
export { InputError, loadModel, loadTf, type BundleMeta, type NdArray } from '@biaflow/core';
