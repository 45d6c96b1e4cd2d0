import { checkWorkflowConfig } from '../config/validate';
import type { KeyedHookName } from '../kernel/hooks';
import type { RunCommand, RunContext } from '../kernel/run-context';
import type { MetricsReport, TrainResult } from '../kernel/stages';
import type { WrittenReport } from '../kernel/contributions/report-writer';
import { checkInputsBeforeWork } from './check-inputs';
import { evaluateStage, testImagesCarryLabels } from './evaluate-stage';
import { checkModelToFineTune } from './model-ref';
import { stopIfAsked, stopOnFault } from '@biaflow/fs';
import { Tokens } from '../kernel/tokens';
import type { EngineChoice } from './open-network';
import { postprocessStage, predictStage } from './predict-stage';
import { tidyRunFolder } from './tidy-run-folder';
import { writtenReportOf } from './written-report';

/** Which stages a command runs, given the config. */
export interface StagePlan {
  train: boolean;
  predict: boolean;
  evaluate: boolean;
}

export function planStages(command: RunCommand, run: Pick<RunContext, 'config' | 'workflow'>): StagePlan {
  const { config } = run;
  const hasTestLabels = Boolean(config.data.test.labels) || testImagesCarryLabels(run);
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
  /** The report written at the run's end (`report.html` and its pictures); undefined when none was written. */
  report?: WrittenReport;
}

/** The prediction and evaluation stages a pipeline runs (the workflow's work is in the hooks). */
export interface PipelineStages {
  predict(run: RunContext): Promise<void>;
  evaluate(run: RunContext): Promise<MetricsReport | undefined>;
}

/** Core's stages: predict the test images (or re-post-process the saved outputs), then score them. */
export const coreStages: PipelineStages = {
  predict: (run) => (run.command === 'postprocess' ? postprocessStage(run) : predictStage(run)),
  evaluate: (run) => evaluateStage(run),
};

/**
 * Drive one run through the lifecycle: `runStart` → `train[workflow]` → predict (`infer[workflow]`,
 * `postprocess`, `writeResult` per image) → `evaluate[workflow]` → `runEnd` (whose core tap writes
 * `metrics.json`). Before any work it checks that the workflow is registered, some plugin handles
 * each needed stage, and every test image can file its results under a name of its own. A failure
 * is announced on `runFailure`, then rethrown.
 */
export async function runPipeline(run: RunContext, command: RunCommand, stages: PipelineStages = coreStages): Promise<RunOutcome> {
  const { kernel, config, logger } = run;
  const type = config.problem.type;
  kernel.workflow(type);
  const plan = planStages(command, run);
  checkWorkflowConfig(config, kernel, plan.train, run.configPath);
  const needed: KeyedHookName[] = [];
  if (plan.train) needed.push('train');
  // Re-running post-processing needs no inference.
  if (plan.predict && command !== 'postprocess') needed.push('infer');
  if (plan.evaluate) needed.push('evaluate');
  kernel.assertHandled(type, needed);
  // A `predict.engine` no plugin registered is a config error before any work.
  if (needed.includes('infer')) run.container.resolve<EngineChoice>(Tokens.EngineChoice).chosen();
  if (plan.train) await checkModelToFineTune(run);

  const outcome: RunOutcome = {};
  try {
    await kernel.hooks.runStart.promise({ run });
    // After runStart, so the run log holds the warning or the failure; before any training or output.
    checkInputsBeforeWork(run, plan);
    if (plan.train) {
      const result = await kernel.hooks.train.for(type).promise({ run });
      if (!result) throw new Error(`no plugin returned a trained model for problem type "${type}"`);
      outcome.train = result;
      logger.info(
        { event: 'trained', modelDir: result.modelDir, epochs: result.epochs, bestValLoss: result.bestValLoss },
        `model saved in ${result.modelDir}`,
      );
      await kernel.hooks.afterTrain.promise({ run, train: result });
    }
    if (plan.predict) {
      stopIfAsked(run.signal, () => ({ at: plan.train ? 'after training, before prediction' : 'before prediction', resumeFrom: 'the first test image (the model is saved)' }));
      await stages.predict(run);
    }
    if (plan.evaluate) stopIfAsked(run.signal, () => ({ at: 'before evaluation', resumeFrom: 'the evaluation (every result is written)' }));
    const report = plan.evaluate ? await stages.evaluate(run) : undefined;
    outcome.metrics = await kernel.hooks.runEnd.promise(report, { run, train: outcome.train });
    outcome.report = writtenReportOf(run);
    // A run whose folder was taken over while it worked does not end as a success (nor tidy that folder).
    stopOnFault(run.signal);
    // A successful run leaves no temporary file behind, its own or an earlier run's.
    for (const action of await tidyRunFolder(run.runDir, { restore: false })) logger.info({ event: 'tidy' }, action);
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
