import { dataIOFrom } from '../data/data-io';
import { prepareData } from '../data/prepare-data';
import { trainModel, type TrainOutcome } from '../engine/training/trainer';
import type { ImageReader } from '../kernel/contributions/image-io';
import type { RandomSource } from '../kernel/contributions/random-source';
import type { RegisteredWorkflow } from '../kernel/contributions/workflow';
import type { RunContext } from '../kernel/run-context';
import { Tokens } from '../kernel/tokens';
import { runProgress } from './progress-log';

/** The data I/O of a run: the image readers in its container, with its cap on the decoded size of an image. */
export function runDataIO(run: Pick<RunContext, 'kernel' | 'config'>) {
  return dataIOFrom(run.kernel.resolveAll<ImageReader>(Tokens.ImageReader), { maxMegavoxels: run.config.system.max_image_megavoxels });
}

/** The run's random source (core's, unless a plugin provided another). */
export function runRandom(run: Pick<RunContext, 'container'>): RandomSource {
  return run.container.resolve<RandomSource>(Tokens.Random);
}

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
    runDir: run.runDir,
    hooks: { hooks: run.kernel.hooks, event: { run }, workflow: workflow.name },
    logger: run.logger,
    checkLabelValues: spec.checkLabelValues,
  });
  return trainModel({
    run,
    data: prepared.training,
    head: spec.head,
    defaultLoss: spec.defaultLoss,
    targetChannels: spec.targetChannels,
    metrics: spec.metrics,
    progress: runProgress(run),
    bundle: {
      channels: spec.channels,
      inputChannelNames: [],
      patchSize: config.data.patch_size ?? null,
      problem: config.problem.type,
      normalization: prepared.normalization as never,
      plugins: run.kernel.plugins.map((p) => ({ name: p.name, version: `^${p.version}` })),
    },
  });
}
