import path from 'node:path';
import { prepareData } from '../data/prepare-data';
import type { TrainingEngine, TrainingOutcome } from '../kernel/contributions/training-engine';
import type { WorkflowDriver } from '../kernel/workflow-driver';
import { Tokens } from '../kernel/tokens';
import { UsageError } from '../errors';
import type { RunContext } from '../kernel/run-context';
import { bundleToFineTune } from './model-ref';
import { runProgress } from './progress-log';
import { runDataIO, runRandom } from './run-services';
import { RunFiles } from './run-folder';
import { tuneThresholds } from './tune-thresholds';

/**
 * Train the run's network for a workflow, from its declaration: read and check the data as its
 * layout says (stopping with every problem listed before any training), write split.json, then
 * train the network it declares with checkpoints and resume.
 */
/** The training engine of a run's kernel (the last registered). */
export function trainingEngineOf(run: Pick<RunContext, 'kernel'>): TrainingEngine {
  const engines = run.kernel.resolveAll<TrainingEngine>(Tokens.TrainingEngine);
  const engine = engines[engines.length - 1];
  if (!engine) throw new UsageError('no training engine is registered: nothing can train', 'install and load @biaflow/engine-tfjs (the `biaflow` package applies it to every run)');
  return engine;
}

export async function trainWorkflow(run: RunContext, workflow: WorkflowDriver): Promise<TrainingOutcome> {
  const { config } = run;
  const spec = await workflow.network(run);
  const prepared = await prepareData({
    config,
    layout: workflow.data,
    labelMapping: workflow.labelMapping,
    io: runDataIO(run),
    random: runRandom(run),
    splitFile: path.join(run.runDir, RunFiles.split),
    hooks: { hooks: run.kernel.hooks, event: { run }, workflow: workflow.name },
    logger: run.logger,
    progress: runProgress(run),
    signal: run.signal,
    checkLabelValues: spec.checkLabelValues,
  });
  // model.load: a bundle, or the one a model format unpacks (a zoo package's biaflow weights).
  const start = await bundleToFineTune(run);
  let outcome: TrainingOutcome;
  try {
    outcome = await trainingEngineOf(run).train({
      run,
      loadDir: start?.dir,
      data: prepared.training,
      head: spec.head,
      defaultLoss: spec.defaultLoss,
      targetChannels: spec.targetChannels,
      metrics: spec.metrics,
      progress: runProgress(run),
      networks: [...run.kernel.networks.values()],
      files: {
        checkpoints: path.join(run.runDir, RunFiles.checkpoints),
        model: path.join(run.runDir, RunFiles.model),
        metricsCsv: path.join(run.runDir, RunFiles.trainMetrics),
      },
      bundle: {
        channels: spec.channels,
        inputChannelNames: [],
        inputDtype: prepared.inputDtype,
        patchSize: config.data.patch_size ?? null,
        problem: config.problem.type,
        normalization: prepared.normalization as never,
        plugins: run.kernel.plugins.map((p) => ({ name: p.name, version: `^${p.version}` })),
      },
    });
  } finally {
    await start?.dispose();
  }
  if (config.train.tune_thresholds && workflow.tunable.length) await tuneThresholds(run, workflow, outcome.modelDir);
  return outcome;
}
