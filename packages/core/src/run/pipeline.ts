import type { KeyedHookName } from '../kernel/hooks';
import type { RunCommand, RunContext } from '../kernel/run-context';
import type { MetricsReport, TrainResult } from '../kernel/stages';
import { writeMetrics } from './metrics-files';
import { tapConfiguredSteps } from './postprocess-steps';
import { testImagesCarryLabels } from './test-images';

/** Which stages a command runs, given the config. */
export interface StagePlan {
  train: boolean;
  predict: boolean;
  evaluate: boolean;
}

export function planStages(command: RunCommand, run: RunContext): StagePlan {
  const { config } = run;
  const hasTestLabels = Boolean(config.data.test.labels) || testImagesCarryLabels(config);
  switch (command) {
    case 'run':
      return { train: config.train.enabled, predict: Boolean(config.data.test.images), evaluate: hasTestLabels };
    case 'train':
      return { train: true, predict: false, evaluate: false };
    case 'predict':
      return { train: false, predict: true, evaluate: hasTestLabels };
    case 'postprocess':
      return { train: false, predict: true, evaluate: hasTestLabels };
    case 'evaluate':
      return { train: false, predict: false, evaluate: true };
    default:
      return { train: false, predict: false, evaluate: false };
  }
}

export interface RunOutcome {
  train?: TrainResult;
  metrics?: MetricsReport;
}

/** The stage functions a pipeline runs; the workflow work lives in plugins, the flow here. */
export interface PipelineStages {
  predict(run: RunContext): Promise<void>;
  evaluate(run: RunContext): Promise<MetricsReport | undefined>;
}

/**
 * Drive one run through the lifecycle: start → train → predict (infer + postprocess per image)
 * → evaluate → end. Before any work it checks that some plugin handles each needed stage of the
 * problem type. A failure is announced on `runFailure`, then rethrown.
 */
export async function runPipeline(run: RunContext, command: RunCommand, stages: PipelineStages): Promise<RunOutcome> {
  const { kernel, config, logger } = run;
  const type = config.problem.type;
  const plan = planStages(command, run);
  const needed: KeyedHookName[] = [];
  if (plan.train) needed.push('train');
  // Re-running post-processing needs no inference.
  if (plan.predict && command !== 'postprocess') needed.push('infer');
  if (plan.evaluate) needed.push('evaluate');
  kernel.assertHandled(type, needed);

  const outcome: RunOutcome = {};
  if (plan.predict) tapConfiguredSteps(run);
  try {
    await kernel.hooks.runStart.promise({ run });
    if (plan.train) {
      const result = await kernel.hooks.train.for(type).promise({ run });
      if (!result) throw new Error(`no plugin returned a trained model for problem type "${type}"`);
      outcome.train = result;
      logger.info(
        { event: 'trained', modelDir: result.modelDir, epochs: result.epochs, bestValLoss: result.bestValLoss },
        `model saved in ${result.modelDir}`,
      );
    }
    if (plan.predict) await stages.predict(run);
    if (plan.evaluate) {
      const report = await stages.evaluate(run);
      if (report) outcome.metrics = await writeMetrics(run.runDir, report);
    }
    await kernel.hooks.runEnd.promise({ run, metrics: outcome.metrics });
    return outcome;
  } catch (error) {
    try {
      await kernel.hooks.runFailure.promise({ run, error });
    } catch (e) {
      logger.error({ err: e }, 'a runFailure handler failed too');
    }
    throw error;
  }
}
