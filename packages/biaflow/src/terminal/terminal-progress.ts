import type { OpenTerminalDisplay } from '@biaflow/core';
import { writeTerminal } from '@biaflow/core/internals';
import { barProgress } from './bar-progress';
import { plainProgress } from './plain-progress';

/**
 * How often plain progress lines may come, in ms: 5 s, or `BIAFLOW_PROGRESS_INTERVAL_MS` (for
 * logs that want more or fewer, and for tests of short runs).
 */
function plainInterval(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.BIAFLOW_PROGRESS_INTERVAL_MS);
  return env.BIAFLOW_PROGRESS_INTERVAL_MS !== undefined && Number.isFinite(ms) && ms >= 0 ? ms : 5000;
}

/**
 * The CLI's progress on stderr: bars when stderr is a terminal, else (or with `--no-progress`) a
 * plain line at most every few seconds.
 */
export function terminalProgress(options: { bars: boolean; stream?: NodeJS.WriteStream }): OpenTerminalDisplay {
  const stream = options.stream ?? process.stderr;
  if (options.bars && stream.isTTY) return barProgress(stream);
  return { sink: plainProgress(writeTerminal, plainInterval()), close: () => undefined };
}
