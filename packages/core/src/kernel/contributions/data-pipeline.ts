import type { NormalizationRecord } from '@biaflow/image';
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

/**
 * Reads a run's training data as its workflow's layout says, checks every example (every problem
 * at once, before any training), splits off validation, writes `split.json` into the run folder and
 * returns the batches (`kernel.provide(Tokens.DataPipeline, …)`; the last provided is used).
 * `@biaflow/data` provides it; core's training stage asks for it.
 */
export interface DataPipeline {
  prepareTraining(run: RunContext, workflow: WorkflowDriver, options: PrepareTrainingOptions): Promise<PreparedTrainingData>;
}
