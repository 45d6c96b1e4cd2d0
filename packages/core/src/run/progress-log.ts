import type { ProgressSink } from '../kernel/contributions/progress';
import type { RunContext } from '../kernel/run-context';
import { Tokens } from '../kernel/tokens';
import type { Logger } from '../logging/logger';

/**
 * Core's progress sink: a `progress` line in the run log at most every `intervalMs` per task (and
 * when it ends), never a redraw. The CLI replaces it with bars on a terminal.
 */
export function logProgress(logger: Logger, intervalMs = 5000): ProgressSink {
  return {
    start({ id, label, total, unit }) {
      const started = Date.now();
      let last = started;
      let done = 0;
      const line = (info: Record<string, number | string | null> = {}) =>
        logger.debug({ event: 'progress', task: id, label, done, total, unit, seconds: (Date.now() - started) / 1000, ...info }, `${label}: ${done}/${total} ${unit}`);
      return {
        update(n, info) {
          done = n;
          const now = Date.now();
          if (now - last >= intervalMs) {
            last = now;
            line(info);
          }
        },
        end() {
          line();
        },
      };
    },
  };
}

/**
 * The run's progress sink: the one a plugin (or the CLI) provided, else a log of the run. A partial
 * context without a container (a library call, a test's stand-in) gets the log.
 */
export function runProgress(run: Pick<RunContext, 'logger'> & Partial<Pick<RunContext, 'container'>>): ProgressSink {
  return run.container?.isRegistered(Tokens.Progress) ? run.container.resolve<ProgressSink>(Tokens.Progress) : logProgress(run.logger);
}

/** Several sinks as one: every task is started, updated and ended on each (the log and the terminal). */
export function teeProgress(...sinks: ProgressSink[]): ProgressSink {
  return {
    start(task) {
      const tasks = sinks.map((s) => s.start(task));
      return {
        update(done, info) {
          for (const t of tasks) t.update(done, info);
        },
        end() {
          for (const t of tasks) t.end();
        },
      };
    },
  };
}
