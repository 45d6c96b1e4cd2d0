import fs from 'node:fs';
import path from 'node:path';
import { readImage, writeImage } from 'biaflow';
import { readReportData } from '@biaflow/report';
import { biaflow, fixtures, handMadeRun, repo, tmpdir } from './e2e-helpers';

/**
 * The report of a third-party workflow, through the real CLI: `tests/fixtures/plugin-spots` scores
 * spots whose ground truth is a point CSV per image (no ground-truth image). `spot-count` writes a
 * result of its own output kind (`count`), whose report picture is of a kind the report does not draw;
 * `spot-density` writes `@biaflow/io`'s `image` kind. The report is written all the same (config,
 * training log, metrics, and pictures only where it can draw them), and stdout and `--json` name
 * `report.html` only when it was written.
 */
const plugin = path.join(repo, 'tests/fixtures/plugin-spots/index.js');
const spots = path.join(fixtures, 'spots2d');
const TEST_IMAGE = 'smfish_y184_x424';

const logLines = (runDir: string) =>
  fs
    .readFileSync(path.join(runDir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event?: string; msg?: string; level: number });

const reportOf = (runDir: string) => readReportData(fs.readFileSync(path.join(runDir, 'report.html'), 'utf8'));

/** A 64×64 float32 ramp (raster order) summing to about 20.5: a stand-in density map for the test image. */
function ramp(): Float32Array {
  return Float32Array.from({ length: 64 * 64 }, (_, i) => i / 400000);
}

/**
 * A run folder holding the density map of the test image as its prediction (a test's shortcut past
 * training), and a config for `spot-density` naming the plugin (`entry`, with options when given) and
 * `extra` plugins; `biaflow evaluate --config` then scores it and writes the report.
 */
async function densityRun(dir: string, name: string, entry: string, extra: string[] = []): Promise<{ runDir: string; config: string }> {
  const runDir = path.join(dir, name);
  handMadeRun(runDir, 'problem: {type: spot-density, ndim: 2}\n');
  await writeImage(path.join(runDir, 'predictions', `${TEST_IMAGE}.tif`), { data: ramp(), shape: [64, 64] });
  const config = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    config,
    `problem: { type: spot-density, ndim: 2 }\nplugins: [${[entry, ...extra].join(', ')}]\ndata:\n  test: { images: ${spots}/test/images, labels: ${spots}/test/points }\n`,
  );
  return { runDir, config };
}

/** The 24 true points of the test image, counted from its CSV (header excluded). */
const TRUE_COUNT = fs.readFileSync(path.join(spots, 'test/points', `${TEST_IMAGE}.csv`), 'utf8').trim().split('\n').length - 1;

test('an output kind the report does not draw, ground truth a point CSV: the report is written and named (run --json, then evaluate)', () => {
  const dir = tmpdir();
  fs.writeFileSync(
    path.join(dir, 'count.yaml'),
    `problem: { type: spot-count, ndim: 2 }
plugins: [${plugin}]
system: { backend: wasm, seed: 1 }
data:
  train: { images: ${spots}/train/images, labels: ${spots}/train/points }
  val: { split: 0.5 }
  test: { images: ${spots}/test/images, labels: ${spots}/test/points }
  patch_size: [32, 32]
model: { feature_maps: [4, 8], normalization: none }
train: { epochs: 1, batch_size: 2, steps_per_epoch: 1 }
`,
  );
  const runDir = path.join(dir, 'count');
  const { stdout } = biaflow(['run', '--config', 'count.yaml', '--out', 'count', '--json', '--log-level', 'error'], dir);
  const printed = JSON.parse(stdout) as { run: string; report: string | null; overall: unknown };
  expect(printed.report).toBe(path.join(runDir, 'report.html'));
  const metrics = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8'));
  expect(printed.overall).toEqual(metrics.overall);

  // What the report can show: the config, the training log, the metrics — and no picture.
  const report = reportOf(runDir);
  expect(report.workflow.output).toBe('count');
  expect((report.config as { problem: { type: string } }).problem.type).toBe('spot-count');
  expect(report.epochs.map((e) => e.epoch)).toEqual([1]);
  expect(report.metrics).toEqual({ overall: metrics.overall, per_image: metrics.per_image });
  expect(metrics.per_image).toHaveLength(1);
  expect(metrics.per_image[0].true_count).toBe(TRUE_COUNT);
  expect(report.images).toEqual([]);
  expect(fs.existsSync(path.join(runDir, 'report'))).toBe(false);
  // Why not: a warning naming the output kind and what it gave.
  const skipped = logLines(runDir).filter((l) => l.event === 'report-image-skipped' && l.level === 40);
  expect(skipped).toHaveLength(1);
  expect(skipped[0].msg).toBe(
    `report: no picture of ${TEST_IMAGE}.csv: the report picture of output kind "count" gave layers of kind "count", which the report does not draw (instances, semantic, points, classes, image)`,
  );

  // The same folder evaluated again: the summary names the report written again.
  fs.rmSync(path.join(runDir, 'report.html'));
  const again = biaflow(['evaluate', '--config', 'count.yaml', '--out', 'count', '--overwrite', '--log-level', 'error'], dir);
  expect(again.stdout.split('\n')).toContain('report:  count/report.html');
  expect(reportOf(runDir).metrics?.per_image).toEqual(metrics.per_image);
});

test('an image result whose ground truth is a point CSV: the result is drawn beside the input, without ground truth', async () => {
  const dir = tmpdir();
  const { runDir, config } = await densityRun(dir, 'density', plugin);
  const { stdout } = biaflow(['evaluate', '--config', config, '--out', runDir, '--overwrite', '--log-level', 'warn'], dir);
  expect(stdout.split('\n')).toContain('report:  density/report.html');
  const report = reportOf(runDir);
  expect(report.images.map((i) => [i.name, i.overlay.kind])).toEqual([[`${TEST_IMAGE}.csv`, 'image']]);
  const overlay = report.images[0].overlay as { truth?: unknown };
  expect(overlay.truth ?? null).toBeNull();
  // The picture is the ramp: grey, non-decreasing in raster order, stretched from 0 to 255.
  const png = await readImage(path.join(runDir, 'report', `${TEST_IMAGE}-overlay.png`));
  expect(png.shape).toEqual([64, 64, 3]);
  const grey = Array.from({ length: 64 * 64 }, (_, i) => png.data[3 * i]);
  for (let i = 0; i < grey.length; i++) {
    expect([png.data[3 * i + 1], png.data[3 * i + 2]]).toEqual([grey[i], grey[i]]);
    if (i > 0) expect(grey[i]).toBeGreaterThanOrEqual(grey[i - 1]);
  }
  expect([grey[0], grey[grey.length - 1]]).toEqual([0, 255]);
});

test('a picture layer of shape [y, x] draws as [y, x, 1] does; the caption names the per-image figure', async () => {
  const dir = tmpdir();
  // The same density map: drawn by io's image kind ([y, x, 1]), and by the workflow's own picture as [y, x].
  const withAxis = await densityRun(dir, 'yxc', plugin);
  const withoutAxis = await densityRun(dir, 'yx', `[${plugin}, { picture: yx }]`);
  for (const run of [withAxis, withoutAxis]) biaflow(['evaluate', '--config', run.config, '--out', run.runDir, '--overwrite', '--log-level', 'error'], dir);
  const png = (runDir: string) => readImage(path.join(runDir, 'report', `${TEST_IMAGE}-overlay.png`));
  const [a, b] = [await png(withAxis.runDir), await png(withoutAxis.runDir)];
  expect(b.shape).toEqual([64, 64, 3]);
  expect(Math.max(...b.data)).toBe(255);
  expect(Buffer.from(b.data as Uint8Array).equals(Buffer.from(a.data as Uint8Array))).toBe(true);
  expect(reportOf(withoutAxis.runDir).images[0].overlay).toEqual(reportOf(withAxis.runDir).images[0].overlay);

  // Images are ranked by the absolute count error of each (imageFigure), and captioned with it — not
  // with the label of the main figure (the mean over the run).
  const report = reportOf(withoutAxis.runDir);
  const error = Math.abs((4095 * 4096) / 2 / 400000 - TRUE_COUNT);
  expect(report.images[0].value).toBeCloseTo(error, 4);
  expect(report.workflow.imageFigure).toEqual({ key: 'abs_error', label: 'absolute count error', higherIsBetter: false });
  const html = fs.readFileSync(path.join(withoutAxis.runDir, 'report.html'), 'utf8');
  const captions = html.match(/<figcaption>.*?<\/figcaption>/g) ?? [];
  expect(captions).toHaveLength(1);
  expect(captions[0]).toContain(` — absolute count error ${error.toPrecision(4)} `);
  expect(captions[0]).not.toContain('mean absolute count error');
});

test('a report that could not be written is not named: no report line on stdout, "report": null in --json', async () => {
  const dir = tmpdir();
  // A folder where report.html goes, made after the metrics files (stage 100) and before the report (200).
  fs.writeFileSync(
    path.join(dir, 'block-report.js'),
    `const fs = require('node:fs');
const path = require('node:path');
module.exports = { name: 'block-report', version: '1.0.0', core: '^0.1.0', apply(k) {
  k.hooks.runEnd.tap({ name: 'block-report', stage: 150 }, (metrics, { run }) => {
    fs.mkdirSync(path.join(run.runDir, 'report.html', 'x'), { recursive: true });
    return metrics;
  });
} };\n`,
  );
  const blocked = await densityRun(dir, 'blocked', plugin, ['./block-report.js']);
  const human = biaflow(['evaluate', '--config', blocked.config, '--out', blocked.runDir, '--overwrite', '--log-level', 'error'], dir);
  expect(fs.statSync(path.join(blocked.runDir, 'report.html')).isDirectory()).toBe(true);
  expect(human.stdout).toContain('metrics: blocked/metrics.json\n');
  expect(human.stdout).not.toContain('report');
  const json = biaflow(['evaluate', '--config', blocked.config, '--out', blocked.runDir, '--overwrite', '--json', '--log-level', 'error'], dir);
  const printed = JSON.parse(json.stdout) as { run: string; report: string | null; overall: { mean_abs_error: number } };
  expect(printed.run).toBe(blocked.runDir);
  expect(printed.report).toBeNull();
  // The density sums to 4095·4096/2/400000 ≈ 20.97; 24 true points.
  expect(printed.overall.mean_abs_error).toBeCloseTo(Math.abs((4095 * 4096) / 2 / 400000 - TRUE_COUNT), 4);
  const failed = logLines(blocked.runDir).filter((l) => l.event === 'report-failed');
  expect(failed.length).toBeGreaterThan(0);
});
