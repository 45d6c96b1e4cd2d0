import path from 'node:path';
import { RunFiles, Tokens, type DataIO, type RandomSource, type RunContext, type WorkflowDriver } from '@biaflow/core';
import type { PrepareDataOptions } from './prepare-data';

/**
 * What `prepareData` takes from a run: its config, its workflow's layout, label mapping and hooks,
 * the run's data I/O and random source, its split.json and logger. Training (the data pipeline)
 * and `biaflow augment-preview` prepare a run's data alike from these.
 */
export function runDataOptions(run: RunContext, workflow: WorkflowDriver): PrepareDataOptions {
  return {
    config: run.config,
    layout: workflow.data,
    labelMapping: workflow.labelMapping,
    io: run.container.resolve<DataIO>(Tokens.DataIO),
    random: run.container.resolve<RandomSource>(Tokens.Random),
    splitFile: path.join(run.runDir, RunFiles.split),
    logger: run.logger,
    hooks: { hooks: run.kernel.hooks, event: { run }, workflow: workflow.name },
  };
}
