import type { NormalizationRecord } from '@biaflow/image';
import type { ConfigIssue } from '../../errors';
import type { ResolvedConfig } from '../config/schema';
import type { KernelOf as Kernel } from '../named-above';
import type { RunContext } from '../run-context';
import type { WorkflowDriver } from '../workflow-driver';
import type { TrainingData } from './training-engine';

/** What the training stage asks of the data pipeline besides the run and its workflow. */
export interface PrepareTrainingOptions {
  /**
   * The network's check of one training or validation label's distinct values, after the label
   * mapping (e.g. class indices below the class count): a message is a data problem of that file.
   */
  checkLabelValues?: (values: readonly number[]) => string | undefined;
}

/** The run's training data, ready for a training engine. */
export interface PreparedTrainingData {
  /** Batches for the trainer (patches, augmentation, the workflow's targets). */
  training: TrainingData;
  /** Stored in the model bundle: prediction normalizes with it. */
  normalization: NormalizationRecord;
  /** The sample type of the training images (`uint8`…), null when they differ; stored in the model bundle. */
  inputDtype: string | null;
}

/** Which stages the checked command will run (a `StagePlan`'s fields). */
export interface CheckedStages {
  train: boolean;
  predict: boolean;
  evaluate: boolean;
}

/**
 * The run's data, as a service (`kernel.provide(Tokens.DataPipeline, …)`; the last provided is used).
 * `@biaflow/data` provides it; core asks for it before work and in the training stage.
 */
export interface DataPipeline {
  /**
   * Everything about a config that can be checked without training and without decoding an image
   * (the network against the patch size, the data folders, every image's header, the workflow's own
   * header checks), for the stages a command will run; every issue found, in order. `config validate`,
   * and `run`/`train` before the run folder is created, throw them as one ConfigError (exit 2).
   */
  checkBeforeWork(config: ResolvedConfig, kernel: Kernel, stages: CheckedStages): ConfigIssue[];
  /**
   * Reads a run's training data as its workflow's layout says, checks every example (every problem
   * at once, before any training), splits off validation, writes `split.json` into the run folder and
   * returns the batches.
   */
  prepareTraining(run: RunContext, workflow: WorkflowDriver, options: PrepareTrainingOptions): Promise<PreparedTrainingData>;
}
