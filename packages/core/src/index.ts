import 'reflect-metadata';

// Kernel and plugin contract
export { Kernel, FIRST_PARTY_WORKFLOWS, type LoadedPlugin, type ConfigSection } from './kernel/kernel';
export { createHooks, KEYED_HOOKS, type KernelHooks, type HookName, type KeyedHookName } from './kernel/hooks';
export { definePlugin, isPlugin, type BiaflowPlugin, type PluginFactory } from './kernel/plugin';
export { PluginError } from './kernel/plugin-error';
export type { PostprocessMethod, RegisteredPostprocessMethod } from './kernel/postprocess-method';
export { Tokens } from './kernel/tokens';
export type { RunContext, RunCommand, Tf } from './kernel/run-context';
export * from './kernel/stages';
export { loadPlugin, resolvePlugin, FIRST_PARTY_PLUGINS } from './kernel/load-plugins';

// Dependency injection: plugins use these re-exports, never tsyringe directly (one container tree).
export { injectable, inject, type DependencyContainer } from 'tsyringe';

// Config
export { loadConfig, DEFAULT_PATCH_SIZE, type ConfigRequest, type LoadedConfig } from './config/load-config';
export { buildSchema, coreSchema, type CoreConfig, type ResolvedConfig } from './config/schema';
export { pathString, probability, positiveInt, numberOrAuto, section } from './config/schema-helpers';
export { configReference } from './config/docs';
export { z } from 'zod';

// Errors
export * from './errors';

// Logging
export { createLogger, silentLogger, type Logger, type LogLevel } from './logging/logger';

// Backend
export { selectBackend, type BackendChoice, type SelectBackendOptions, type SelectedBackend } from './backend/select-backend';
export { prepareWasmBackend, wasmThreadCount, type WasmBackendOptions } from './backend/wasm';

// Runs
export { startRun, loadTf, type StartRunOptions, type StartedRun } from './run/start-run';
export { runPipeline, planStages, type RunOutcome, type PipelineStages, type StagePlan } from './run/pipeline';
export { prepareRunFolder, holdsRun, RunFiles, defaultRunDir } from './run/run-folder';
export { writeFileAtomic, writeFileAtomicSync, replaceDirAtomic, temporaryPath } from './run/atomic-write';
export { writeMetrics, sanitizeMetrics, toCsv, flattenRow, csvCell } from './run/metrics-files';

// Image I/O
export * from './io';

// Training engine: models, bundles, training loop
export * from './engine';

// Data pipeline: datasets, normalization, tiled prediction, augmentation
export * from './data';

// CLI (for embedding and tests)
export { main } from './cli/main';
export { CORE_NAME, CORE_VERSION } from './version';
export { planPostprocess, type PlannedStep } from './run/postprocess-plan';
export type { PostprocessKind } from './kernel/postprocess-method';
export { trainNetwork, predictNetwork, type NetworkTask } from './services/network-task';
// Prediction from code: `predict(await loadWorkflowModel(dir), image)` gives the post-processed
// result; `predict(await loadModel(dir), array)` the raw network output. This explicit export
// takes precedence over the engine's `predict` re-exported above.
export { predict } from './services/predict';
export { loadWorkflowModel, predictWithWorkflow, isWorkflowModel, type WorkflowModel, type WorkflowModelOptions, type ImageInput } from './services/workflow-model';
