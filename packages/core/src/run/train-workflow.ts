import path from 'node:path';
import { prepareData } from '../data/prepare-data';
import { trainModel, type TrainOutcome } from '../engine/training/trainer';
import type { RegisteredWorkflow } from '../kernel/contributions/workflow';
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
export async function trainWorkflow(run: RunContext, workflow: RegisteredWorkflow): Promise<TrainOutcome> {
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
  let outcome: TrainOutcome;
  try {
    outcome = await trainModel({
      run,
      loadDir: start?.dir,
      data: prepared.training,
      head: spec.head,
      defaultLoss: spec.defaultLoss,
      targetChannels: spec.targetChannels,
      metrics: spec.metrics,
      progress: runProgress(run),
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
  if (config.train.tune_thresholds && workflow.tunable?.length) await tuneThresholds(run, workflow, outcome.modelDir);
  return outcome;
}
