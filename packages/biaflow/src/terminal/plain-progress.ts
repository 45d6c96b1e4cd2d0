import type { ProgressSink } from '@biaflow/core';
import { clock, describeInfo, describeRate, RateMeter } from './progress-format';

/**
 * Progress for a stderr that is not a terminal (a pipe, a file, CI), or with `--no-progress`: a
 * plain line, never a redraw, at most once every `intervalMs` over all tasks together, so a log
 * file stays readable:
 * `progress: epoch 2/5 12/30 steps (40%), 3.1 steps/s, left 0:06, loss 0.4123, run left 2:10`.
 */
export function plainProgress(write: (text: string) => void, intervalMs = 5000, now: () => number = Date.now): ProgressSink {
  let lastLine = now();
  return {
    start({ label, total, unit }) {
      const meter = new RateMeter();
      return {
        update(done, info) {
          const t = now();
          meter.note(done, t);
          if (t - lastLine < intervalMs) return;
          lastLine = t;
          const percent = total > 0 ? ` (${Math.floor((100 * done) / total)}%)` : '';
          // The rate and the time left once there are two updates to measure them by.
          const pace = meter.rate === undefined ? [] : [describeRate(meter.rate, unit), `left ${clock(meter.left(total))}`];
          const parts = [`${label} ${done}/${total} ${unit}${percent}`, ...pace, describeInfo(info)].filter(Boolean);
          write(`progress: ${parts.join(', ')}\n`);
        },
        end() {
          // The end of a task is told by the run's own log line (epoch, predicted image).
        },
      };
    },
  };
}
