import type { NdArray } from '@biaflow/image';
import type { Scalar, Tensor } from '@tensorflow/tfjs';
import type { BundleInfo } from './model-bundle';
import type { ModelHead, NetworkDefinition } from './network';
import type { ProgressSink } from './progress';
import type { Tf } from './tf';

/**
 * One batch: `x` [B, ...spatial, Cin] float32 (normalized), `y` [B, ...spatial, Cout] float32 for
 * segmentation-like targets, or [B, Cout] for classifiers (one-hot).
 */
export interface Batch {
  x: NdArray<Float32Array>;
  y: NdArray<Float32Array>;
}

/**
 * Where the trainer takes its data from (core's data pipeline gives a `BatchBuilder`).
 *
 * The contract that makes a resumed run draw exactly the batches an uninterrupted run draws:
 * **`batch(epoch, step)` is a pure function of the data's seed, `epoch` and `step`** — shuffling,
 * patch positions and augmentation are all derived from these counters (`deriveSeed` of
 * `@biaflow/image`), never from a generator whose state advances between calls. The random-number
 * state a checkpoint must hold is then just `(epoch, step)`. Calls may come in any order and be repeated.
 *
 * `validation()` yields the same batches, in the same order, every time it is called. When it is
 * absent, the trainer monitors the training loss instead (for the LR schedule, early stopping and
 * the best checkpoint).
 */
export interface TrainingData {
  /** Training steps (batches) per epoch. */
  readonly stepsPerEpoch: number;
  batch(epoch: number, step: number): Promise<Batch> | Batch;
  validation?(): AsyncIterable<Batch> | Iterable<Batch>;
}

/** A loss: per-batch mean as a scalar tensor. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Scalar;

/** A loss a workflow brings itself (e.g. a masked loss whose target carries the mask as an extra channel). */
export interface CustomLoss {
  name: string;
  make(tf: Tf): LossFn;
}

/**
 * A validation metric pooled over all validation batches: each batch adds to a few sums, the
 * metric is computed from the totals (never an average of per-batch ratios).
 */
export interface ValidationMetric {
  /** Column name in train_metrics.csv (`val_` is prefixed). */
  name: string;
  /** Sums for one batch, computed inside a tidy. */
  sums(tf: Tf, yTrue: Tensor, yPred: Tensor): Tensor[];
  /** The metric from the totals; null when undefined (0/0). */
  value(totals: number[]): number | null;
}

/** One row of train_metrics.csv. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  val_loss: number | null;
  [metric: string]: number | null;
}

/** What a trainer uses of a run (a `RunContext` has it all). */
export interface TrainingRun {
  readonly config: import('../config/schema').ResolvedConfig;
  readonly logger: import('./logger').Logger;
  readonly tf: Tf;
  readonly resume: boolean;
  readonly signal?: AbortSignal;
}

export interface TrainingRequest {
  run: TrainingRun;
  data: TrainingData;
  /** Output layer, set by the workflow from the problem type. */
  head: ModelHead;
  /**
   * Loss when `train.loss.type` is `auto`: one of the config's loss names (default: bce for sigmoid,
   * cce for softmax, mse for linear heads), or the workflow's own.
   */
  defaultLoss?: string | CustomLoss;
  /** Channels of the targets when they differ from the output's (a masked loss's mask channel); default the output's. */
  targetChannels?: number;
  /** The bundle folder training starts from (`model.load`, resolved: a path, an installed model, what a model format unpacked). */
  loadDir?: string;
  /** What goes into the bundle besides the network (channel meaning, normalization...). */
  bundle?: BundleInfo;
  /** Validation metrics (default: IoU for per-voxel networks, accuracy for per-image ones). */
  metrics?: ValidationMetric[];
  /** The networks `model.architecture` may name (the run's: `kernel.networks`). */
  networks?: readonly NetworkDefinition[];
  /** Where each epoch's steps are reported as they go (the run's progress sink). */
  progress?: ProgressSink;
  /**
   * Where training writes: `checkpoints` (`last/` and `best/`, what `--resume` continues from), `model`
   * (the bundle of the best epoch, at the end), and `metricsCsv` (one row per epoch, rewritten after each).
   */
  files: { checkpoints: string; model: string; metricsCsv?: string };
  /** Called after each epoch's checkpoint is written, with the epochs so far. */
  onEpochEnd?: (record: EpochRecord, history: readonly EpochRecord[]) => void | Promise<void>;
}

export interface TrainingOutcome {
  /** Folder holding the trained model bundle. */
  modelDir: string;
  epochs: number;
  bestValLoss: number | null;
  history: EpochRecord[];
  /** Why training ended: `epochs`, `early_stopping`. */
  stopReason: string;
  /** Paths of the last and best checkpoints. */
  checkpoints: { last: string; best: string };
}

/**
 * Trains networks (`kernel.registerTrainingEngine`): the loop with checkpoints and resume. Core's
 * data pipeline prepares the batches; the engine builds the network `model.architecture` names,
 * trains it and writes the bundle. `@biaflow/engine-tfjs` contributes `tfjs`.
 */
export interface TrainingEngine {
  name: string;
  description: string;
  train(request: TrainingRequest): Promise<TrainingOutcome>;
  /**
   * Put back checkpoints a kill left only under temporary names, mid-swap (`isStale` says which
   * temporary entries may be taken); one line per thing done, for the log. Called when a command
   * starts on an existing run folder (`--resume`, `postprocess`).
   */
  restoreCheckpoints?(checkpointsDir: string, isStale: (name: string) => boolean): Promise<string[]>;
}
