import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(__dirname, '../..');
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const fixture = path.join(repo, 'tests/fixtures/real/cells-classes');
const CLASSES = ['Platelets', 'RBC', 'WBC'];

function biaflow(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [bin, ...args, '--log-level', 'warn'], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectOk(r: { code: number | null; stderr: string }) {
  if (r.code !== 0) throw new Error(`biaflow exited with ${r.code}:\n${r.stderr}`);
}

/** The test images as `class/file`, from the fixture's folders. */
function testImages(): string[] {
  return CLASSES.flatMap((c) => fs.readdirSync(path.join(fixture, 'test', c)).sort().map((f) => `${c}/${f}`));
}

function readCsv(file: string): Record<string, string>[] {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = header.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

describe('classification workflow, end to end on real blood-cell crops', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-classification-'));
  const runDir = path.join(dir, 'run');

  beforeAll(() => {
    fs.writeFileSync(
      path.join(dir, 'config.yaml'),
      `problem: {type: classification, ndim: 2}
data:
  train: {images: ${fixture}/train}
  val: {split: 0.25}
  test: {images: ${fixture}/test}
  patch_size: [48, 48]
model: {architecture: simple_cnn, feature_maps: [8, 16]}
train: {epochs: 2, batch_size: 4}
metrics: {top_k: 2}
`,
    );
    expectOk(biaflow(['run', '--config', 'config.yaml', '--out', runDir], dir));
  });

  test('the run folder holds the model, the split and one prediction row per test image', () => {
    for (const f of ['config.yaml', 'log.jsonl', 'split.json', 'train_metrics.csv', 'model/model.json', 'model/weights.bin', 'metrics.json', 'metrics.csv']) {
      expect(fs.existsSync(path.join(runDir, f))).toBe(true);
    }
    const split = JSON.parse(fs.readFileSync(path.join(runDir, 'split.json'), 'utf8'));
    expect(split.classes).toEqual(CLASSES);
    // Stratified: one validation image per class (a quarter of 4).
    expect(split.counts).toEqual({ train: 9, val: 3, test: 6 });
    expect(new Set(split.val.map((v: { class: string }) => v.class))).toEqual(new Set(CLASSES));

    const table = path.join(runDir, 'predictions/predictions.csv');
    expect(fs.readFileSync(table, 'utf8').split('\n')[0]).toBe('image,class,class_index,score_Platelets,score_RBC,score_WBC');
    const rows = readCsv(table);
    expect(rows.map((r) => r.image)).toEqual(testImages());
    for (const r of rows) {
      const scores = CLASSES.map((c) => Number(r[`score_${c}`]));
      expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      const best = scores.indexOf(Math.max(...scores));
      expect(Number(r.class_index)).toBe(best);
      expect(r.class).toBe(CLASSES[best]);
    }
    // No per-image files: classification results live in the table only.
    expect(fs.readdirSync(path.join(runDir, 'predictions'))).toEqual(['predictions.csv']);
  });

  test('metrics.json: accuracy, per-class scores, macro F1 and the confusion matrix, consistent with the predictions', () => {
    const metrics = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8'));
    const o = metrics.overall;
    expect(o.classes).toEqual(CLASSES);
    for (const k of ['precision', 'recall', 'f1']) expect(Object.keys(o[k])).toEqual(CLASSES);
    expect(o.images).toBe(6);
    const predictions = readCsv(path.join(runDir, 'predictions/predictions.csv'));
    const expected = CLASSES.map(() => CLASSES.map(() => 0));
    let correct = 0;
    for (const p of predictions) {
      const truth = p.image.split('/')[0];
      expected[CLASSES.indexOf(truth)][Number(p.class_index)]++;
      if (truth === p.class) correct++;
    }
    expect(o.confusion_matrix).toEqual(expected);
    expect(o.accuracy).toBeCloseTo(correct / 6, 10);
    expect(o.macro_f1 === null || (o.macro_f1 >= 0 && o.macro_f1 <= 1)).toBe(true);
    expect(metrics.per_image).toHaveLength(6);
    for (const row of metrics.per_image) {
      expect(Object.keys(row)).toEqual(['image', 'true', 'predicted', 'correct']);
      expect(row.correct).toBe(row.true === row.predicted);
      expect(row.true).toBe(row.image.split('/')[0]);
    }
    expect(fs.readFileSync(path.join(runDir, 'metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(7);
  });

  test('metrics.json: top_k_accuracy for metrics.top_k, the fraction of images whose true class is among the k highest scores of predictions.csv', () => {
    const o = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')).overall;
    const rows = readCsv(path.join(runDir, 'predictions/predictions.csv'));
    // Rank of the true class: classes scoring higher, or equal with a lower index.
    const inTop2 = rows.filter((r) => {
      const scores = CLASSES.map((c) => Number(r[`score_${c}`]));
      const t = CLASSES.indexOf(r.image.split('/')[0]);
      return scores.filter((s, j) => s > scores[t] || (s === scores[t] && j < t)).length < 2;
    }).length;
    expect(o.top_k).toBe(2);
    expect(o.top_k_accuracy).toBe(inTop2 / 6);
    // Top-2 contains top-1.
    expect(o.top_k_accuracy).toBeGreaterThanOrEqual(o.accuracy);
  });

  test('predict --set predict.tta=true: class scores averaged over the 8 flips and rotations differ from the plain ones; the log says so', () => {
    const out = path.join(dir, 'tta');
    expectOk(biaflow(['predict', '--model', path.join(runDir, 'model'), '--input', `${fixture}/test`, '--out', out, '--set', 'predict.tta=true'], dir));
    const plain = readCsv(path.join(runDir, 'predictions/predictions.csv'));
    const tta = readCsv(path.join(out, 'predictions/predictions.csv'));
    expect(tta.map((r) => r.image)).toEqual(plain.map((r) => r.image));
    for (const [i, r] of tta.entries()) {
      const scores = CLASSES.map((c) => Number(r[`score_${c}`]));
      expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(scores).not.toEqual(CLASSES.map((c) => Number(plain[i][`score_${c}`])));
    }
    const said = fs
      .readFileSync(path.join(out, 'log.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .filter((l) => l.event === 'tta');
    expect(said).toHaveLength(1);
    expect(said[0].transforms).toHaveLength(8);
    expect(said[0].msg).toMatch(/averaged over 8 transforms of its 48×48 patch/);
  });

  test('evaluate: the ground truth against itself scores accuracy = 1', () => {
    const pred = path.join(dir, 'truth-as-prediction');
    fs.mkdirSync(pred);
    const lines = ['image,class', ...testImages().map((i) => `${i},${i.split('/')[0]}`)];
    fs.writeFileSync(path.join(pred, 'predictions.csv'), lines.join('\n') + '\n');
    const out = path.join(dir, 'self');
    expectOk(biaflow(['evaluate', '--workflow', 'classification', '--pred', pred, '--gt', `${fixture}/test`, '--out', out], dir));
    const o = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')).overall;
    expect(o.accuracy).toBe(1);
    expect(o.macro_f1).toBe(1);
    expect(o.confusion_matrix).toEqual([
      [2, 0, 0],
      [0, 2, 0],
      [0, 0, 2],
    ]);
  });

  test('predict --resume classifies only the images missing from the table, keeping the others as they were', () => {
    const copy = path.join(dir, 'resumed');
    fs.cpSync(runDir, copy, { recursive: true });
    const table = path.join(copy, 'predictions/predictions.csv');
    const before = fs.readFileSync(table, 'utf8').trim().split('\n');
    // Pretend the run was killed after the first four images, and mark the kept rows to see they are not redone.
    const kept = before.slice(1, 5).map((l) => l.replace(/,([^,]*)$/, ',0.5'));
    fs.writeFileSync(table, [before[0], ...kept].join('\n') + '\n');
    expectOk(biaflow(['predict', '--out', copy, '--resume'], dir));
    const after = fs.readFileSync(table, 'utf8').trim().split('\n');
    expect(after.slice(0, 5)).toEqual([before[0], ...kept]);
    expect(after.slice(5)).toEqual(before.slice(5));
  });

  test('a segmentation architecture is refused before training, naming model.architecture', () => {
    const r = biaflow(['train', '--config', 'config.yaml', '--set', 'model.architecture=unet', '--out', path.join(dir, 'unet')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('model.architecture: is unet, a segmentation network; classification needs simple_cnn or resnet');
  });
});
