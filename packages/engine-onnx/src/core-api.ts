/**
 * Everything this package takes from @biaflow/core, in one place so the imports can be re-pointed
 * when core is split up. All of it is core's public API (docs/plugins.md).
 */
export {
  BiaflowError,
  BUNDLE_FORMAT,
  BUNDLE_META,
  ConfigError,
  definePlugin,
  DEFAULT_NORMALIZATION,
  ImageNormalizer,
  InputError,
  isBundle,
  isClassifier,
  loadModel,
  MODEL_JSON,
  predict,
  readBundleMeta,
  readImage,
  recordFromBundle,
  RunFiles,
  toModelLayout,
  UsageError,
  WEIGHTS_BIN,
  z,
  type BiaflowPlugin,
  type BundleMeta,
  type CommandContribution,
  type CommandIO,
  type ConfigIssue,
  type Image,
  type InferenceEngine,
  type LoadedModel,
  type NdArray,
  type Network,
  type NormalizationRecord,
} from '@biaflow/core';

/**
 * Not in core's plugin API yet: a contributed command has no run, so nothing selects a tfjs backend
 * for it (tfjs then falls back to its slow cpu backend and prints its tfjs-node banner). Core
 * should offer this (or a `prepareBackend(choice, { threads })`) from `@biaflow/core`.
 */
export { loadTf, selectBackend } from '@biaflow/core/internals';
