import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readImage, readPoints } from 'biaflow';
import { detectionAp } from '@biaflow/image';

const repo = path.resolve(__dirname, '../..');
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const fixture = path.join(repo, 'tests/fixtures/real/spots2d');
const testStem = 'smfish_y184_x424';

function biaflow(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args, '--log-level', 'warn'], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOk(r: { code: number | null; stderr: string }) {
  if (r.code !== 0) throw new Error(`biaflow exited with ${r.code}:\n${r.stderr}`);
}

const DETECTION_FIELDS = ['tp', 'fp', 'fn', 'precision', 'recall', 'f1', 'n_true', 'n_pred'];

/** Each field a count, or a ratio in [0, 1] or null (never NaN). */
function expectScores(m: Record<string, unknown>) {
  for (const k of ['tp', 'fp', 'fn', 'n_true', 'n_pred']) expect(Number.isInteger(m[k])).toBe(true);
  for (const k of ['precision', 'recall', 'f1']) {
    const v = m[k];
    if (v !== null) {
      expect(typeof v).toBe('number');
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  }
  expect(m.n_true).toBe((m.tp as number) + (m.fn as number));
  expect(m.n_pred).toBe((m.tp as number) + (m.fp as number));
}

describe('detection workflow, end to end on real smFISH crops', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-detection-'));
  const runDir = path.join(dir, 'run');

  beforeAll(() => {
    fs.writeFileSync(
      path.join(dir, 'config.yaml'),
      `problem: {type: detection, ndim: 2}
data:
  train: {images: ${fixture}/train/images, labels: ${fixture}/train/points}
  val: {split: 0.5}
  test: {images: ${fixture}/test/images, labels: ${fixture}/test/points}
  patch_size: [32, 32]
  sampling: {foreground_probability: 0.5}
model: {feature_maps: [8, 16]}
train: {epochs: 2, batch_size: 2}
metrics: {detection_tolerance: 3, detection_ap_tolerances: [2, 3]}
`,
    );
    expectOk(biaflow(['run', '--config', 'config.yaml', '--out', runDir], dir));
  });

  test('the run folder holds the model, the network output, the points, the metrics and the split', async () => {
    for (const f of ['config.yaml', 'log.jsonl', 'split.json', 'train_metrics.csv', 'model/model.json', 'model/weights.bin', 'metrics.json', 'metrics.csv']) {
      expect(fs.existsSync(path.join(runDir, f))).toBe(true);
    }
    const split = JSON.parse(fs.readFileSync(path.join(runDir, 'split.json'), 'utf8'));
    expect(split.counts).toEqual({ train: 1, val: 1, test: 1 });

    const probabilities = await readImage(path.join(runDir, `probabilities/${testStem}.tif`));
    expect(probabilities.dtype).toBe('float32');
    expect(probabilities.shape).toEqual([64, 64]);
    for (const v of probabilities.data) expect(v >= 0 && v <= 1).toBe(true);

    const csv = path.join(runDir, `predictions/${testStem}.csv`);
    expect(fs.readFileSync(csv, 'utf8').split('\n')[0]).toBe('index,axis-0,axis-1,prob');
    const points = await readPoints(csv);
    expect(points.ndim).toBe(2);
    const n = points.coordinates.length / 2;
    expect(points.scores).toHaveLength(n);
    for (let i = 0; i < n; i++) {
      const [y, x] = [points.coordinates[2 * i], points.coordinates[2 * i + 1]];
      expect(y >= 0 && y < 64 && x >= 0 && x < 64).toBe(true);
      // Each point is a peak of the saved network output above the default threshold, scored by it.
      expect(points.scores![i]).toBeCloseTo(probabilities.data[y * 64 + x], 6);
      expect(points.scores![i]).toBeGreaterThan(0.3);
    }
  });

  test('metrics.json: pooled detection scores within the tolerance, one row per image; metrics.csv the same rows', () => {
    const metrics = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8'));
    for (const k of DETECTION_FIELDS) expect(metrics.overall).toHaveProperty(k);
    expectScores(metrics.overall);
    expect(metrics.overall.tolerance).toBe(3);
    expect(metrics.overall.n_true).toBe(24);
    expect(metrics.per_image).toHaveLength(1);
    expect(metrics.per_image[0].image).toBe(`${testStem}.csv`);
    expect(metrics.per_image[0].tp).toBe(metrics.overall.tp);
    const csv = fs.readFileSync(path.join(runDir, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(2);
    expect(csv[0].split(',')).toEqual(expect.arrayContaining(['image', ...DETECTION_FIELDS]));
  });

  test('metrics.json: score-ranked AP from the prob column, as detectionAp gives it on the written files, per image and at each tolerance', async () => {
    const metrics = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8'));
    const o = metrics.overall;
    expect(Object.keys(o.ap)).toEqual(['1']);
    expect(o.map).toBe(o.ap['1']);
    expect(o.map).toBeGreaterThanOrEqual(0);
    expect(o.map).toBeLessThanOrEqual(1);
    expect(Object.keys(o.ap_by_tolerance)).toEqual(['2', '3']);
    expect(o.ap_by_tolerance['3'].map).toBe(o.map);
    // One test image: its own AP is the pooled one.
    expect(metrics.per_image[0]).toMatchObject({ ap: o.ap, map: o.map });
    // The plumbing (files → points, scores, spacing → detectionAp) reproduces the library on the files the run wrote.
    const truth = await readPoints(path.join(fixture, `test/points/${testStem}.csv`));
    const predicted = await readPoints(path.join(runDir, `predictions/${testStem}.csv`));
    const expected = detectionAp([{ name: `${testStem}.csv`, groundTruth: truth, prediction: predicted }], { tolerance: 3, tolerances: [2, 3] });
    expect(o.map).toBe(expected.map);
    expect(o.ap_by_tolerance['2'].map).toBe(expected.ap_by_tolerance['2'].map);
    const csvHeader = fs.readFileSync(path.join(runDir, 'metrics.csv'), 'utf8').split('\n')[0].split(',');
    expect(csvHeader).toEqual(expect.arrayContaining(['ap.1', 'map']));
  });

  test('postprocess re-decodes the saved output: a threshold above every probability leaves no point and 0 true positives', () => {
    const copy = path.join(dir, 'repost');
    fs.cpSync(runDir, copy, { recursive: true });
    expectOk(biaflow(['postprocess', '--out', copy, '--set', 'postprocess=[{method: detect_points, threshold: 1.5}]'], dir));
    // New settings: a variant beside the first result.
    const variant = path.join(copy, 'postprocess/1');
    expect(fs.readFileSync(path.join(variant, `predictions/${testStem}.csv`), 'utf8').trim()).toBe('index,axis-0,axis-1,prob');
    const metrics = JSON.parse(fs.readFileSync(path.join(variant, 'metrics.json'), 'utf8'));
    expect(metrics.overall).toMatchObject({ tp: 0, fp: 0, fn: 24, recall: 0, precision: null, f1: 0, map: 0 });
  });

  test('evaluate: the ground truth against itself scores F1 = 1; without scores its AP is null, with a warning', () => {
    const out = path.join(dir, 'self');
    const r = biaflow(['evaluate', '--workflow', 'detection', '--pred', `${fixture}/test/points`, '--gt', `${fixture}/test/points`, '--out', out], dir);
    expectOk(r);
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.overall).toMatchObject({ tp: 24, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 });
    // True points have no prob column: no ranking, so no AP — and the run says why.
    expect(metrics.overall).toMatchObject({ ap: { '1': null }, map: null });
    expect(r.stderr).toMatch(/no prob column, so average precision \(ap, map\) is null/);
  });

  test('a point outside its image stops the run before training, naming the file and the row', () => {
    const bad = path.join(dir, 'bad');
    fs.mkdirSync(path.join(bad, 'points'), { recursive: true });
    fs.cpSync(path.join(fixture, 'train/images'), path.join(bad, 'images'), { recursive: true });
    for (const f of fs.readdirSync(path.join(fixture, 'train/points'))) fs.copyFileSync(path.join(fixture, 'train/points', f), path.join(bad, 'points', f));
    const victim = path.join(bad, 'points', fs.readdirSync(path.join(bad, 'points'))[0]);
    fs.appendFileSync(victim, '70,10\n');
    const r = biaflow(['train', '--config', 'config.yaml', '--set', `data.train.images=${bad}/images`, '--set', `data.train.labels=${bad}/points`, '--out', path.join(dir, 'badrun')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(victim);
    expect(r.stderr).toMatch(/lie outside the 64×64 image/);
    expect(fs.existsSync(path.join(dir, 'badrun/model'))).toBe(false);
  });
});
