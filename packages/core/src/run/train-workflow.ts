import path from 'node:path';
import type { DataPipeline } from '../kernel/contributions/data-pipeline';
import type { TrainingEngine, TrainingOutcome } from '../kernel/contributions/training-engine';
import type { WorkflowDriver } from '../kernel/workflow-driver';
import { Tokens } from '../kernel/tokens';
import { UsageError } from '../errors';
import type { RunContext } from '../kernel/run-context';
import { bundleToFineTune } from './model-ref';
import { RunFiles } from './run-folder';

/** The training engine of a run (the last registered). */
function trainingEngineOf(run: RunContext): TrainingEngine {
  if (!run.container.isRegistered(Tokens.TrainingEngine, true)) {
    throw new UsageError('no training engine is registered: nothing can train', 'install and load @biaflow/engine-tfjs (the `biaflow` package applies it to every run)');
  }
  return run.container.resolve<TrainingEngine>(Tokens.TrainingEngine);
}

/** The data pipeline of a run (the last provided). */
function dataPipelineOf(run: RunContext): DataPipeline {
  if (!run.container.isRegistered(Tokens.DataPipeline, true)) {
    throw new UsageError('no data pipeline is provided: nothing can read training data', 'install and load @biaflow/data (the `biaflow` package applies it to every run)');
  }
  return run.container.resolve<DataPipeline>(Tokens.DataPipeline);
}

/**
 * Train the run's network for a workflow, from its declaration: the data pipeline reads and checks
 * the data as its layout says (stopping with every problem listed before any training) and writes
 * split.json, then the training engine trains the network it declares with checkpoints and resume.
 */
export async function trainWorkflow(run: RunContext, workflow: WorkflowDriver): Promise<TrainingOutcome> {
  const { config } = run;
  const spec = await workflow.network(run);
  const prepared = await dataPipelineOf(run).prepareTraining(run, workflow, { checkLabelValues: spec.checkLabelValues });
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
      progress: run.container.resolve(Tokens.Progress),
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
  return outcome;
}
