import type { NdArray } from '@biaflow/image';

/**
 * One batch: `x` [B, ...spatial, Cin] float32 (normalized), `y` [B, ...spatial, Cout] float32 for
 * segmentation-like targets, or [B, Cout] for classifiers (one-hot).
 */
export interface Batch {
  x: NdArray<Float32Array>;
  y: NdArray<Float32Array>;
}

/**
 * Where the trainer takes its data from.
 *
 * The contract that makes a resumed run draw exactly the batches an uninterrupted run draws:
 * **`batch(epoch, step)` is a pure function of the data's seed, `epoch` and `step`** — shuffling,
 * patch positions and augmentation are all derived from these counters (see `random/seeded-random.ts`),
 * never from a generator whose state advances between calls. The random-number state a checkpoint
 * must hold is then just `(epoch, step)`. Calls may come in any order and be repeated.
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
