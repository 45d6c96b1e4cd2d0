// @biaflow/core/internals: everything core is made of — config and plugin loading, the run pipeline's
// stages, the CLI's parts — for biaflow's own packages, tests, benchmarks and tools. Not the plugin API
// (that is `@biaflow/core`, docs/plugins.md): these names may change between minor versions. `@biaflow/fs`
// comes whole through `./index`; `@biaflow/image`'s pure pipeline (normalization, tiling, patches,
// augmentation, Rng) is imported from that package, not from here.
export * from './index';

export { createHooks, type KeyedHookName } from './kernel/hooks';
export { loadPlugin, resolvePlugin } from './plugins/load-plugins';
export { packageNameProblem, isPackageName } from './plugins/package-name';
export { checkPluginPackage, PLUGIN_KEYWORD } from './plugins/manifest';
export { FIRST_PARTY_PLUGINS, FIRST_PARTY_WORKFLOWS, FIRST_PARTY_SECTIONS, expandShortName } from './kernel/first-party';

// Config
export { buildSchema, coreSchema } from './kernel/config/schema';
export { configReference } from './config/docs';
export { DEFAULT_PATCH_SIZE } from './config/load-config';
export { sizeLimitIssues } from './config/size-limits';
export { maxMegavoxelsFromSets } from './config/cap-from-sets';


// Runs
export { startRun, type StartedRun } from './run/start-run';
export { runPipeline, planStages, coreStages, type RunOutcome, type PipelineStages, type StagePlan } from './run/pipeline';
export { prepareRunFolder, holdsRun, defaultRunDir, RunFolder, type RunRequest } from './run/run-folder';
export { RunLog } from './run/run-log';
export { tidyRunFolder } from './run/tidy-run-folder';
export { reportError } from './cli/report-error';
export { writeMetrics, flattenRow } from './run/metrics-files';
export { planPostprocess, type PlannedStep } from './config/postprocess-plan';
export { checkPostprocessChain, type ChainCheck } from './config/postprocess-chain';
export { corePlugin, CORE_TAPS } from './run/core-plugin';
export { tapWorkflowStages } from './run/workflow-stages';
export { trainWorkflow } from './run/train-workflow';
export { figureAt } from './run/figure-at';
export { openNetwork, EngineChoice } from './run/open-network';
export { resultsDirOf } from './run/run-folder';
export { FileWriters } from './run/file-writers';
export { writeRunImage, writeRunPoints, writeProbabilities, spatialMeta, probabilitiesPath, writeResult, resultExists } from './run/prediction-files';
export { outputKindOf } from './run/output-kind-of';
export { listPostprocessVariants, postprocessSettings, type PostprocessVariant } from './run/postprocess-variants';
export { withTunedValues } from './run/tuned-decoding';
export { executeDataCommand } from './cli/commands/run';
export { runFolderConfig } from './cli/run-folder-config';
export { withConfigOptions, withRunFolderOptions, type ConfigOptions, type RunFolderCliOptions } from './cli/common-options';
export { runVersions, factsOfRun } from './run/run-facts';
export { activateCompute } from './run/activate-compute';
export { predictStage, postprocessStage, listTestImages } from './run/predict-stage';
export { evaluateStage, pairByStem as pairResultsByStem, listResultFiles, testImagesCarryLabels } from './run/evaluate-stage';
export { RunProgress, teeProgress } from './run/progress-log';
export { writeTerminal, setTerminalOverlay } from './logging/terminal';
export { resumeCommand, invocation, shellWord } from './cli/resume-command';
export { formatSummary } from './cli/results-summary';
export { isRunConfig, isRunEntry, foreignEntries } from './run/run-files';
export { outputNameProblems } from './run/output-names';
export { checkInputsBeforeWork } from './run/check-inputs';
export { checkBeforeWork } from './run/check-before-work';
export { forbiddenKeyPaths, FORBIDDEN_KEYS } from './config/forbidden-keys';
export { readerFor, writerFor, readerExtensions, pointsFormatFor } from './data/image-readers';

// Listing image files; settings files' size caps
export { isHiddenName, hiddenFiles } from './data/list-image-files';

// The config sections the data pipeline reads, a run's data I/O, non-finite values in images.
export { augmentSection, type AugmentSettings } from './kernel/config/sections/augment';
export { dataSection, type DataSettings } from './kernel/config/sections/data';
export { RunDataIO } from './data/data-io';
export { screenNonFinite, screenInputImage, logReplacement } from './data/non-finite';
export type { NonFinitePolicy } from './kernel/config/sections/data';

// The CLI's parts, for the distribution that runs it (the \`biaflow\` package)
export { processIO, standardStreamFailure, type CliIO } from './cli/output';
export { kernelFor } from './cli/kernel-for';
export { readModelForConfig } from './run/model-for-config';
export { configFromBundle, warnPluginVersions } from './run/bundle-config';
export { AUGMENT_PREVIEW_LOG } from './run/run-files';
export { groupByFile } from './run/check-inputs';
