import cliProgress from 'cli-progress';
import type { OpenTerminalDisplay, ProgressSink } from '@biaflow/core';
import { setTerminalOverlay } from '@biaflow/core/internals';
import { clock, describeInfo, describeRate, RateMeter } from './progress-format';

const FORMAT = '{label} {bar} {value}/{total} {unit} | {rate} | left {left}{info}';

/**
 * Progress bars on a terminal (cli-progress): one line per open task — an epoch's steps, the
 * images of a prediction and the tiles of the image being predicted — redrawn in place ten times
 * a second (from the updates themselves, and cli-progress's timer), with the rate, the time left of the task and the figures it reports (loss, the time
 * left of the run). Log lines are printed above the bars while they are up (`setTerminalOverlay`).
 * A task's bar goes when the task ends; the run's own log line tells what it did.
 */
export function barProgress(stream: NodeJS.WriteStream): OpenTerminalDisplay {
  let bars: cliProgress.MultiBar | undefined;
  let open = 0;
  let drawn = 0;

  const takeDown = () => {
    setTerminalOverlay(undefined);
    bars?.stop();
    bars = undefined;
    open = 0;
  };

  const board = (): cliProgress.MultiBar => {
    if (bars) return bars;
    const created = new cliProgress.MultiBar({
      stream,
      format: FORMAT,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: 20,
      // Truncated to the terminal's width rather than wrapped: a wrapped bar breaks the redraw.
      linewrap: true,
      clearOnComplete: true,
      hideCursor: false,
      // Signals are the CLI's to handle (a clean stop, then the command to continue).
      gracefulExit: false,
      fps: 10,
    });
    setTerminalOverlay({
      print(text) {
        created.log(text);
        created.update();
      },
    });
    bars = created;
    return created;
  };

  const sink: ProgressSink = {
    start({ label, total, unit }) {
      const multi = board();
      open++;
      const meter = new RateMeter();
      const payload = (info?: Record<string, number | string | null>) => {
        const figures = describeInfo(info);
        return { label, unit, rate: describeRate(meter.rate, unit), left: clock(meter.left(total)), info: figures ? ` | ${figures}` : '' };
      };
      const bar = multi.create(Math.max(total, 1), 0, payload());
      let ended = false;
      return {
        update(done, info) {
          if (ended || bars !== multi) return;
          meter.note(done);
          bar.update(done, payload(info));
          // Drawn from here as well as from cli-progress's timer: a training step awaits only
          // promises that are already settled, so the timer may not fire for a whole epoch.
          const now = Date.now();
          if (now - drawn >= 100) {
            drawn = now;
            multi.update();
          }
        },
        end() {
          if (ended || bars !== multi) return;
          ended = true;
          open--;
          if (open <= 0) takeDown();
          else multi.remove(bar);
        },
      };
    },
  };
  // close: take the bars down (a run that ends, fails or is interrupted with tasks still open).
  return { sink, close: takeDown };
}
