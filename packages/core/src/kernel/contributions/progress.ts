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
  /**
   * `done` units finished so far, with figures to show beside the count: `{ loss: 0.41 }`. A key
   * ending in `_s` is a duration in seconds, shown as one (`run_left_s: 130` → `run left 2:10`).
   * The sink itself works out the rate and the time left of the task.
   */
  update(done: number, info?: Record<string, number | string | null>): void;
  /** The task ended (all units done, or stopped early). */
  end(): void;
}
