import type { ProgressSink } from './progress';

/**
 * A run's progress shown to the person at the terminal (`Tokens.TerminalDisplay`): the `biaflow`
 * distribution provides bars on a terminal, plain lines otherwise. The run commands open it once per
 * run and add its sink to the run's displays (`Tokens.ProgressDisplay`); with none provided (core's
 * kernel alone) a run shows no progress on the terminal, and its log still has the progress lines.
 */
export interface TerminalDisplay {
  /** Open for one run; `bars` is false with `--no-progress` (plain lines, even on a terminal). */
  open(options: { bars: boolean }): OpenTerminalDisplay;
}

/** A terminal display open for one run. */
export interface OpenTerminalDisplay {
  sink: ProgressSink;
  /** Take down whatever is still drawn (the run ended, failed or was interrupted). */
  close(): void;
}
