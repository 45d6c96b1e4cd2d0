import { createKernel as createCoreKernel, Tokens, type TerminalDisplay } from '@biaflow/core';
import { setTerminalOverlay } from '@biaflow/core/internals';
import { createKernel } from 'biaflow';
import { plainProgress } from '../dist/terminal/plain-progress';
import { clock, describeInfo } from '../dist/terminal/progress-format';

/** The command's progress on the terminal: the plain lines and their figures, and the display biaflow's kernel provides. */

describe('plain progress lines', () => {
  test('at most one line per interval over all tasks, with the rate, the time left and the reported figures', () => {
    let now = 0;
    const lines: string[] = [];
    const sink = plainProgress((t) => lines.push(t), 5000, () => now);
    const epoch = sink.start({ id: 'epoch-1', label: 'epoch 1/3', total: 40, unit: 'steps' });
    const tiles = sink.start({ id: 'tiles', label: 'a.tif tiles', total: 10, unit: 'tiles' });
    // 40 steps, one every 250 ms: 4 steps/s.
    for (let step = 1; step <= 40; step++) {
      now = step * 250;
      epoch.update(step, { loss: 0.5 / step, run_left_s: 130 });
      tiles.update(Math.min(step, 10));
    }
    epoch.end();
    // 10 s: a line at 5 s and one at 10 s, not one per update nor per task.
    expect(lines).toEqual([
      'progress: epoch 1/3 20/40 steps (50%), 4.0 steps/s, left 0:05, loss 0.02500, run left 2:10\n',
      'progress: epoch 1/3 40/40 steps (100%), 4.0 steps/s, left 0:00, loss 0.01250, run left 2:10\n',
    ]);
  });

  test('no rate or time left before there are two updates to measure them by', () => {
    let now = 0;
    const lines: string[] = [];
    const sink = plainProgress((t) => lines.push(t), 1000, () => now);
    const task = sink.start({ id: 'predict', label: 'predict', total: 3, unit: 'images' });
    now = 2000;
    task.update(1);
    expect(lines).toEqual(['progress: predict 1/3 images (33%)\n']);
  });

  test('figures: durations as a clock, names with spaces', () => {
    expect(clock(59.6)).toBe('1:00');
    expect(clock(4000)).toBe('1:06:40');
    expect(clock(undefined)).toBe('?');
    expect(describeInfo({ loss: 0.123456, run_left_s: 75, note: 'x', missing: null })).toBe('loss 0.1235, run left 1:15, note x');
  });
});

describe('the terminal display', () => {
  test("biaflow's kernel provides it, and without bars it prints a plain line at most every BIAFLOW_PROGRESS_INTERVAL_MS; core's kernel alone provides none", async () => {
    expect((await createCoreKernel()).container.isRegistered(Tokens.TerminalDisplay, true)).toBe(false);
    const kernel = await createKernel();
    expect(kernel.defaultPlugins.map((p) => p.name)).toContain('biaflow');
    const display = kernel.container.resolve<TerminalDisplay>(Tokens.TerminalDisplay);
    const printed: string[] = [];
    const interval = process.env.BIAFLOW_PROGRESS_INTERVAL_MS;
    process.env.BIAFLOW_PROGRESS_INTERVAL_MS = '0';
    // What writeTerminal prints, caught where the bars would take it.
    setTerminalOverlay({ print: (text) => printed.push(text) });
    try {
      const open = display.open({ bars: false });
      const task = open.sink.start({ id: 'predict', label: 'predict', total: 2, unit: 'images' });
      task.update(1);
      task.end();
      open.close();
    } finally {
      setTerminalOverlay(undefined);
      if (interval === undefined) delete process.env.BIAFLOW_PROGRESS_INTERVAL_MS;
      else process.env.BIAFLOW_PROGRESS_INTERVAL_MS = interval;
    }
    expect(printed).toEqual(['progress: predict 1/2 images (50%)\n']);
  });
});
