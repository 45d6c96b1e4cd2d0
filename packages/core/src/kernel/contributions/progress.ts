/**
 * Where a run reports how far it is: data loading, each epoch's steps, each image's tiles. Core
 * contributes a sink that writes a plain line at most every few seconds; a plugin (or the CLI, on a
 * terminal) provides another through the container (`Tokens.Progress`).
 */
export interface ProgressSink {
  /** A task of `total` units (`steps`, `images`, `tiles`); `label` says what it is (`epoch 3/40`). */
  start(task: { id: string; label: string; total: number; unit: string }): ProgressTask;
}

export interface ProgressTask {
  /** `done` units finished so far, with figures to show beside the count (loss, steps/s). */
  update(done: number, info?: Record<string, number | string | null>): void;
  /** The task ended (all units done, or stopped early). */
  end(): void;
}
