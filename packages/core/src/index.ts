// @biaflow/core: the plugin API (docs/plugins.md) and the library API (load a trained model and
// predict from code). Everything else core is made of is in `@biaflow/core/internals`.
import 'reflect-metadata';

// The kernel and the plugin contract
export { Kernel, unknownWorkflow, type LoadedPlugin, type ConfigSection, type SectionExtension, type RegisteredCommand } from './kernel/kernel';
export { KEYED_HOOKS, type KernelHooks } from './kernel/hooks';
export { definePlugin, isPlugin, type BiaflowPlugin, type PluginFactory } from './kernel/plugin';
export { PluginError } from './kernel/plugin-error';
export type { PostprocessMethod, RegisteredPostprocessMethod, PostprocessKind } from './kernel/postprocess-method';
export { Tokens } from './kernel/tokens';
export type { RunContext, RunCommand } from './kernel/run-context';
export type * from './kernel/stages';
export { createKernel } from './run/create-kernel';
export { readPluginPackage, installedPluginPackages, registeredContributions, type PluginManifest, type PluginPackage } from './kernel/manifest';

// What plugins contribute
export {
  OUTPUT_KINDS,
  type WorkflowDefinition,
  type RegisteredWorkflow,
  type NetworkSpec,
  type CustomLoss,
  type ResultTable,
  type Figure,
  type TunableThreshold,
  type OutputKind,
  type DataImageHeader,
} from './kernel/contributions/workflow';
export { readImageHeader, type ImageHeader } from './io/image-header';
export type {
  ReportLayers,
  LabelLayers,
  PointLayers,
  ClassLayers,
  ImageLayers,
  LabelOverlayKind,
  ReportCurve,
  ReportPictureEvent,
  ReportCurvesEvent,
} from './kernel/contributions/report-pictures';
export type { ImageReader, ImageWriter } from './kernel/contributions/image-io';
export type { InferenceEngine, Network, EngineContext } from './kernel/contributions/inference-engine';
export type { ModelFormat, ModelReadOptions, ModelSource } from './kernel/contributions/model-format';
export { DEFAULT_MAX_MEGAVOXELS } from './io/image-size-limit';
export { installedModels, resolveModelRef, isModelName, type NamedModel } from './kernel/model-names';
export type { ProgressSink, ProgressTask } from './kernel/contributions/progress';
export type { RandomSource, RandomGenerator } from './kernel/contributions/random-source';
export type { CommandContribution, CommandIO } from './kernel/contributions/command';

// Data layouts and labels, for workflow declarations
export { imageLabelPairs, pointLists, classFolderLayout, type DataLayout, type SetName, type TestImage } from './data/layouts';
export { classFolders, listPairs, listClassFolders, listPointFiles, stemOf, type DataItem, type DataProblem, type ListedData } from './data/dataset';
export { binaryMaskMapping, applyLabelMapping, resolveLabelMapping, LabelValues, type LabelMapping } from './data/labels';
export type { DataIO } from './data/data-io';

// Helpers a workflow's stages use
export { predictNetwork } from './run/predict-network';
export { RunFiles } from './run/run-folder';
// Model bundles, for inference engines and model formats
export { readBundleMeta, isBundle, loadModel, saveModel, type LoadedModel, type BundleInfo } from './engine/bundle/save-load';
export { BUNDLE_FORMAT, BUNDLE_META, type BundleMeta, type NormalizationSettings } from './engine/bundle/bundle-meta';
export { MODEL_JSON, WEIGHTS_BIN } from './engine/bundle/dir-handler';
export { isClassifier, type ModelHead, type HeadActivation } from './engine/models/model-options';
export type { LossType, LossFn } from './engine/training/losses';
export type { ValidationMetric } from './engine/training/metrics';
export { ImageNormalizer, DEFAULT_NORMALIZATION, type NormalizationRecord } from './data/normalization';
export { recordFromBundle } from './data/bundle-normalizers';
export { writeFileAtomic } from './run/atomic-write';
export { toCsv, csvCell } from './run/metrics-files';
export { csvCellText } from './io/csv-cell';
// Text from files in messages: escaped control characters, short excerpts.
export { printable, printableText, excerpt, clip } from './printable';

// Dependency injection: plugins use these re-exports, never tsyringe directly (one container tree).
export { injectable, inject, type DependencyContainer } from 'tsyringe';

// Config
export { loadConfig, type ConfigRequest, type LoadedConfig } from './config/load-config';
export type { ResolvedConfig } from './config/schema';
export { pathString, probability, positiveInt, numberOrAuto, section } from './config/schema-helpers';
export { z } from 'zod';

// The tfjs backend outside a run (contributed commands, scripts)
export { prepareBackend } from './backend/prepare-backend';
export { loadTf, type Tf } from './backend/load-tf';
export type { BackendChoice, SelectedBackend } from './backend/select-backend';

// Errors and logging
export * from './errors';
export { createLogger, silentLogger, type Logger, type LogLevel } from './logging/logger';

// Image and point I/O
export type { TypedArray, DType, NdArray, Image, PointList } from '@biaflow/image';
export { readImage, IMAGE_EXTENSIONS, type ReadImageOptions } from './io/read-image';
export { writeImage, type WriteImageInput, type WriteImageOptions } from './io/write-image';
export { listImageFiles } from './io/list-image-files';
export { toModelLayout, fromModelLayout } from './io/model-layout';
export { readLabelImage } from './io/read-label-image';
export { readPoints, writePoints } from './io/points-csv';

// From code: `predict(await loadWorkflowModel(dir), image)` gives the post-processed result, as `biaflow predict` writes it.
export { predict } from './services/predict';
export { loadWorkflowModel, predictWithWorkflow, isWorkflowModel, configFromBundle, type WorkflowModel, type WorkflowModelOptions, type ImageInput } from './services/workflow-model';

// The CLI (for embedding and tests)
export { main } from './cli/main';
export { CORE_NAME, CORE_VERSION } from './version';
