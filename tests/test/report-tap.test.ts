import fs from 'node:fs';
import path from 'node:path';
import { CORE_TAPS, runPipeline, startRun, type BiaflowPlugin } from '@biaflow/core/internals';
import { loadConfig } from 'biaflow';
import { readReportData } from '@biaflow/report';
import { fixtures, readCsv, tmpdir } from './e2e-helpers';

/**
 * Core's report tap on `runEnd` (stage 200, after the metrics files): a train-only run gets a report
 * of its training log, and a report that cannot be written is a warning in the log, not a failed run.
 */
const data = path.join(fixtures, 'nuclei2d');
const config = {
  problem: { type: 'instance', ndim: 2 },
  system: { backend: 'wasm', seed: 3 },
  data: {
    train: { images: `${data}/train/images`, labels: `${data}/train/labels` },
    val: { split: 0.5 },
    test: { images: `${data}/test/images`, labels: `${data}/test/labels` },
    patch_size: [32, 32],
  },
  model: { feature_maps: [8, 16], normalization: 'none' },
  train: { epochs: 2, batch_size: 2, steps_per_epoch: 2 },
};

async function run(command: 'run' | 'train', plugins: BiaflowPlugin[]): Promise<string> {
  const loaded = await loadConfig({ inline: config, plugins });
  const started = await startRun({ command, loaded, out: path.join(tmpdir(), 'run'), logLevel: 'silent' });
  try {
    await runPipeline(started.context, command);
    return started.context.runDir;
  } finally {
    await started.close();
  }
}

const logEvents = (runDir: string) =>
  fs
    .readFileSync(path.join(runDir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event?: string; msg?: string; level: number });

test('a train-only run: the report holds the training log, no metrics, no image', async () => {
  const runDir = await run('train', []);
  const report = readReportData(fs.readFileSync(path.join(runDir, 'report.html'), 'utf8'));
  const rows = readCsv(path.join(runDir, 'train_metrics.csv'));
  expect(report.epochs.map((e) => e.epoch)).toEqual(rows.map((r) => Number(r.epoch)));
  expect(report.epochs.map((e) => e.loss)).toEqual(rows.map((r) => Number(r.loss)));
  expect(report.metrics).toBeNull();
  expect(report.images).toEqual([]);
  expect(fs.existsSync(path.join(runDir, 'report'))).toBe(false);
});

test('a report that cannot be written is a warning; the run, its metrics and later runEnd taps go on', async () => {
  let after: unknown;
  const blocker: BiaflowPlugin = {
    name: 'blocker',
    version: '1.0.0',
    core: '^0.1.0',
    apply(kernel) {
      // Between the metrics files (100) and the report (200): a folder where report.html goes.
      kernel.hooks.runEnd.tap({ name: 'blocker', stage: 150 }, (metrics, { run: r }) => {
        fs.mkdirSync(path.join(r.runDir, 'report.html', 'x'), { recursive: true });
        return metrics;
      });
      kernel.hooks.runEnd.tap({ name: 'after', stage: 300 }, (metrics) => {
        after = metrics;
        return metrics;
      });
    },
  };
  const runDir = await run('run', [blocker]);
  const metrics = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8'));
  expect(after).toEqual(metrics);
  expect(fs.statSync(path.join(runDir, 'report.html')).isDirectory()).toBe(true);
  const failed = logEvents(runDir).filter((e) => e.event === 'report-failed');
  expect(failed).toHaveLength(1);
  expect(failed[0].level).toBe(40);
  expect(failed[0].msg).toContain('report.html was not written');
  expect(failed[0].msg).toContain(path.join(runDir, 'report.html'));
  expect(CORE_TAPS.report).toBe('@biaflow/core:report');
});
