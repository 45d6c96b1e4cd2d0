// @biaflow/core: the plugin API (docs/plugins.md) and the library API (load a trained model and
// predict from code). Everything else core is made of is in `@biaflow/core/internals`.
import 'reflect-metadata';

// The kernel and the plugin contract
export { Kernel, type LoadedPlugin, type ConfigSection, type SectionExtension, type RegisteredCommand } from './kernel/kernel';
export { KEYED_HOOKS, type KernelHooks } from './kernel/hooks';
export { definePlugin, isPlugin, type BiaflowPlugin, type PluginFactory } from './kernel/plugin';
export { PluginError } from './kernel/plugin-error';
export type { PostprocessMethod, RegisteredPostprocessMethod, PostprocessKind } from './kernel/postprocess-method';
export { PREDICTION_FIELDS, type PredictionField } from './kernel/prediction-field';
export { Tokens } from './kernel/tokens';
export type { RunContext, RunCommand } from './kernel/run-context';
export type * from './kernel/stages';
export { createKernel } from './run/create-kernel';
export { WorkflowDriver } from './kernel/workflow-driver';
export { readPluginPackage, installedPluginPackages, registeredContributions, type PluginManifest, type PluginPackage } from './plugins/manifest';
export { manifestDrift, type ManifestDifference } from './plugins/manifest-drift';

// What plugins contribute
export {
  type WorkflowDefinition,
  type RegisteredWorkflow,
  type NetworkSpec,
  type ResultTable,
  type Figure,
  type TunableThreshold,
  type DataImageHeader,
  type WorkflowCheckContext,
} from './kernel/contributions/workflow';
export type { ImageHeader } from '@biaflow/image';
export type { ReportPicture, ReportCurve, ReportPictureEvent, ReportCurvesEvent } from './kernel/contributions/report-pictures';
export type { ImageReader, ImageWriter, PointsFormat, ReadImageOptions, WriteImageInput, WriteImageOptions } from './kernel/contributions/image-io';
export type { InferenceEngine, Network, EngineContext } from './kernel/contributions/inference-engine';
export type { ModelFormat, ModelReadOptions, ModelSource } from './kernel/contributions/model-format';
export { DEFAULT_MAX_MEGAVOXELS } from '@biaflow/image';
export { installedModels, resolveModelRef, isModelName, type NamedModel } from './plugins/model-names';
export type { ProgressSink, ProgressTask } from './kernel/contributions/progress';
export type { TerminalDisplay, OpenTerminalDisplay } from './kernel/contributions/terminal-display';
export type { RandomSource, RandomGenerator } from '@biaflow/image';
export type { CommandContribution, CommandIO } from './kernel/contributions/command';
export type { ReportWriter, RunFacts, WrittenReport } from './kernel/contributions/report-writer';
export type { OutputKind } from './kernel/contributions/output-kind';
export type { DataPipeline, CheckedStages, PrepareTrainingOptions, PreparedTrainingData } from './kernel/contributions/data-pipeline';

// Data layouts and labels, for workflow declarations
export { type DataLayout, type SetName, type TestImage } from './kernel/contributions/data-layout';
export { stemOf } from './run/prediction-files';
export { type DataItem, type DataProblem, type ListedData } from './kernel/contributions/data-layout';
export { binaryMaskMapping, applyLabelMapping, resolveLabelMapping, LabelValues, type LabelMapping } from '@biaflow/image';
export type { DataIO } from './kernel/contributions/data-layout';

// Helpers a workflow's stages use
export { predictNetwork } from './run/predict-network';
export { RunFiles } from './run/run-folder';
// Model bundles, for inference engines and model formats
export { readBundleMeta, isBundle, bundleNetworkOutput } from './run/bundle-files';
export {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_META,
  MODEL_JSON,
  WEIGHTS_BIN,
  type BundleInfo,
  type BundleMeta,
  type ModelOptionsRecord,
  type NormalizationSettings,
  type TunedDecoding,
} from './kernel/contributions/model-bundle';
export { type ModelHead, type HeadActivation, type NetworkDefinition, type NetworkLayout } from './kernel/contributions/network';
export type { Batch, TrainingData, LossFn, CustomLoss, ValidationMetric, EpochRecord, TrainingRun, TrainingRequest, TrainingOutcome, TrainingEngine } from './kernel/contributions/training-engine';
export type { ComputeBackend, ActiveBackend } from './kernel/contributions/compute-backend';
export { LOSS_TYPES, type LossType, type OptimizerType, type LrScheduleType } from './kernel/config/sections/train';
export { ACTIVATIONS, NORMALIZATIONS, UPSAMPLINGS, type Activation } from './kernel/config/sections/model';
export { ImageNormalizer, DEFAULT_NORMALIZATION, type NormalizationRecord } from '@biaflow/image';
export { recordFromBundle } from '@biaflow/image';
export { writeFileAtomic, replaceDirAtomic } from '@biaflow/fs';
// Long loops stop at a safe point when the person asks (Ctrl-C), and let the event loop deliver the signal.
export { stopIfAsked, letSignalsIn } from '@biaflow/fs';
// Reading a model package's files: regular files inside it only; settings files capped by size.
export { packageFile } from '@biaflow/fs';
export { checkSettingsFileSize, MAX_SETTINGS_FILE_BYTES, MAX_MODEL_JSON_BYTES } from '@biaflow/fs';
export { toCsv, csvCell } from './run/metrics-files';
export { csvCellText } from '@biaflow/image';
// Text from files in messages: escaped control characters, short excerpts.
export { printable, printableText, excerpt, clip } from '@biaflow/image';

// Dependency injection: plugins use these re-exports, never tsyringe directly (one container tree).
export { injectable, inject, injectAll, Lifecycle, type DependencyContainer } from 'tsyringe';

// Config
export { loadConfig, type ConfigRequest, type LoadedConfig } from './config/load-config';
export type { ResolvedConfig } from './kernel/config/schema';
export { pathString, probability, positiveInt, numberOrAuto, section } from './kernel/config/schema-helpers';
export { z } from 'zod';

// The tfjs backend outside a run (contributed commands, scripts)
export { type Tf } from './kernel/contributions/tf';

// Errors and logging
export * from '@biaflow/fs';
export { createLogger, silentLogger, LOG_LEVELS, type Logger, type LogLevel } from './logging/logger';

// Image and point files, through the run's readers and writers (`@biaflow/io` contributes TIFF, PNG, JPEG and point CSVs)
export type { TypedArray, DType, NdArray, Image, PointList } from '@biaflow/image';
export { listImageFiles } from './data/list-image-files';
export { toModelLayout, fromModelLayout } from '@biaflow/image';
export { readLabelImage } from './data/read-label-image';
export { writeFileAtomicSync } from '@biaflow/fs';


// The CLI (for embedding and tests)
export { main } from './cli/main';
export { CORE_NAME, CORE_VERSION } from './kernel/version';
