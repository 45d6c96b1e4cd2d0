/**
 * Everything this package takes from biaflow's packages, in one place. All of it is their public API
 * (docs/plugins.md).
 */
export {
  BiaflowError,
  BUNDLE_FORMAT,
  BUNDLE_META,
  clip,
  ConfigError,
  DEFAULT_MAX_MEGAVOXELS,
  definePlugin,
  DEFAULT_NORMALIZATION,
  ImageNormalizer,
  InputError,
  isBundle,
  bundleNetworkOutput,
  MODEL_JSON,
  readBundleMeta,
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
  type ModelFormat,
  type ModelReadOptions,
  type ModelSource,
  type NdArray,
  type Network,
  type NormalizationRecord,
} from '@biaflow/core';

export { readImage } from '@biaflow/io';
export { loadModel, predict, prepareBackend, type LoadedModel } from '@biaflow/engine-tfjs';
