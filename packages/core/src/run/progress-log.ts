import { inject, injectable, injectAll } from 'tsyringe';
import type { ProgressSink, ProgressTask } from '../kernel/contributions/progress';
import { Tokens } from '../kernel/tokens';
import type { Logger } from '../logging/logger';

/**
 * The run log's progress: a `progress` line at most every `intervalMs` per task (and when it ends),
 * never a redraw. The CLI shows bars on a terminal beside it (`RunProgress`).
 */
function logProgress(logger: Logger, intervalMs = 5000): ProgressSink {
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
 * Core's progress sink of a run (`Tokens.Progress`, built by its container): a log of the run
 * (`logProgress`), then each display registered (`Tokens.ProgressDisplay`: the CLI's bars or plain
 * lines). A sink a plugin provides replaces it, log and displays together.
 */
@injectable()
export class RunProgress implements ProgressSink {
  private readonly sink: ProgressSink;

  constructor(@inject(Tokens.Logger) logger: Logger, @injectAll(Tokens.ProgressDisplay, { isOptional: true }) displays: ProgressSink[]) {
    this.sink = teeProgress(logProgress(logger), ...displays);
  }

  start(task: Parameters<ProgressSink['start']>[0]): ProgressTask {
    return this.sink.start(task);
  }
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
