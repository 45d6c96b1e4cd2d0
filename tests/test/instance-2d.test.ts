import fs from 'node:fs';
import path from 'node:path';
import { loadWorkflowModel, predict, readImage } from 'biaflow';
import { biaflow, expectMatchingReport, expectObjectsMatch, fixtures, readCsv, readMetrics, tmpdir, writeEmptyLike } from './e2e-helpers';

/**
 * The 2D instance workflow through the CLI on real DSB2018 crops (64×64, 2 train + 1 test image),
 * a tiny U-Net for a few steps: every output of the run folder, post-processing re-runs with other
 * thresholds, prediction of a new image with the saved model, and evaluation on its own.
 */
const data = path.join(fixtures, 'nuclei2d');
const TEST_IMAGE = '003cee89357d.tif';

const config = `
problem: { type: instance, ndim: 2 }
system: { backend: wasm, seed: 3 }
data:
  train: { images: ${data}/train/images, labels: ${data}/train/labels }
  val: { split: 0.5 }
  test: { images: ${data}/test/images, labels: ${data}/test/labels }
  patch_size: [32, 32]
instance: { channels: BC }
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 2, batch_size: 2, steps_per_epoch: 3 }
`;

let dir: string;
let runDir: string;

beforeAll(() => {
  dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'config.yaml'), config);
  runDir = path.join(dir, 'run');
  biaflow(['run', '--config', 'config.yaml', '--out', 'run'], dir);
});

test('a run fills the run folder: model, split, outputs of the right type and shape, objects, metrics', async () => {
  for (const f of ['config.yaml', 'log.jsonl', 'split.json', 'train_metrics.csv', 'metrics.json', 'metrics.csv', 'objects.csv', 'model/biaflow.json', 'checkpoints/last/training_state.json']) {
    expect(fs.existsSync(path.join(runDir, f))).toBe(true);
  }
  const split = JSON.parse(fs.readFileSync(path.join(runDir, 'split.json'), 'utf8'));
  expect(split.counts).toEqual({ train: 1, val: 1, test: 1 });
  expect(split.test[0].name).toBe(TEST_IMAGE);
  const meta = JSON.parse(fs.readFileSync(path.join(runDir, 'model/biaflow.json'), 'utf8'));
  expect(meta.channels).toEqual(['foreground', 'contour']);

  const input = await readImage(path.join(data, 'test/images', TEST_IMAGE));
  const pred = await readImage(path.join(runDir, 'predictions', TEST_IMAGE));
  expect(pred.dtype).toBe('uint16');
  expect(pred.axes).toBe(input.axes);
  expect(pred.shape).toEqual(input.shape);
  const probs = await readImage(path.join(runDir, 'probabilities', TEST_IMAGE));
  expect(probs.dtype).toBe('float32');
  expect(probs.axes).toBe('CYX');
  expect(probs.shape).toEqual([2, ...input.shape]);
  expect([...probs.data].every((v) => v >= 0 && v <= 1)).toBe(true);

  await expectObjectsMatch(runDir, TEST_IMAGE, 2);
  const m = readMetrics(runDir);
  expectMatchingReport(m, [TEST_IMAGE]);
  const gt = await readImage(path.join(data, 'test/labels', TEST_IMAGE));
  expect(m.overall.matching['0.5'].n_true).toBe(new Set([...gt.data].filter((v) => v !== 0)).size);
  const rows = readCsv(path.join(runDir, 'metrics.csv'));
  expect(rows.map((r) => r.image)).toEqual([TEST_IMAGE]);
  expect(Number(rows[0]['matching.0.5.f1'])).toBe(m.per_image[0].matching['0.5'].f1);
  // ap_50_95 and AJI, overall and per image (one image: the same values), and in metrics.csv.
  const { overall, per_image } = m as unknown as { overall: Record<string, number>; per_image: Record<string, number>[] };
  for (const key of ['ap_50_95', 'aji']) {
    expect(overall[key]).toBeGreaterThanOrEqual(0);
    expect(overall[key]).toBeLessThanOrEqual(1);
    expect(per_image[0][key]).toBe(overall[key]);
    expect(Number(rows[0][key])).toBe(overall[key]);
  }
});

test('from code, predict(loadWorkflowModel(dir), image) gives the labels the CLI wrote; sets override post-processing', async () => {
  const image = await readImage(path.join(data, 'test/images', TEST_IMAGE));
  const written = await readImage(path.join(runDir, 'predictions', TEST_IMAGE));
  const model = await loadWorkflowModel(path.join(runDir, 'model'));
  try {
    const result = await predict(model, image, TEST_IMAGE);
    expect(result.labels?.shape).toEqual(written.shape);
    expect([...(result.labels?.data ?? [])]).toEqual([...written.data]);
    expect(result.tables?.objects?.length).toBe(new Set([...written.data].filter((v) => v !== 0)).size);
  } finally {
    await model.dispose();
  }
  const none = await loadWorkflowModel(path.join(runDir, 'model'), { sets: ['postprocess=[{method: instance_watershed, seed_threshold: 1.01}]'] });
  try {
    const result = await predict(none, image);
    expect([...(result.labels?.data ?? [])].every((v) => v === 0)).toBe(true);
  } finally {
    await none.dispose();
  }
});

test('postprocess --set re-runs only the decoding with new thresholds: each setting a variant whose results, objects and metrics change', async () => {
  const before = fs.statSync(path.join(runDir, 'model/weights.bin')).mtimeMs;
  // No voxel is above a seed threshold of 1.01: no seeds, no objects.
  biaflow(['postprocess', '--out', 'run', '--set', 'postprocess=[{method: instance_watershed, seed_threshold: 1.01}]'], dir);
  const first = path.join(runDir, 'postprocess/1');
  let labels = await readImage(path.join(first, 'predictions', TEST_IMAGE));
  expect([...labels.data].every((v) => v === 0)).toBe(true);
  expect(await expectObjectsMatch(first, TEST_IMAGE, 2)).toBe(0);
  expect(readMetrics(first).overall.matching['0.5']).toMatchObject({ tp: 0, n_pred: 0 });

  // Everything is a seed and foreground: one object covering the image.
  biaflow(['postprocess', '--out', 'run', '--set', 'postprocess=[{method: instance_watershed, seed_threshold: -1, contour_threshold: 2, foreground_threshold: -1, min_seed_size: 0}]'], dir);
  const second = path.join(runDir, 'postprocess/2');
  labels = await readImage(path.join(second, 'predictions', TEST_IMAGE));
  expect(new Set(labels.data)).toEqual(new Set([1]));
  expect(await expectObjectsMatch(second, TEST_IMAGE, 2)).toBe(1);
  const m = readMetrics(second);
  expectMatchingReport(m, [TEST_IMAGE]);
  expect(m.overall.matching['0.5'].n_pred).toBe(1);
  // Nothing was trained again.
  expect(fs.statSync(path.join(runDir, 'model/weights.bin')).mtimeMs).toBe(before);
});

test('predict --model RUN_DIR/model works on a new image', async () => {
  const image = path.join(data, 'train/images/06c779330d6d.tif');
  biaflow(['predict', '--model', path.join(runDir, 'model'), '--input', image, '--out', 'new'], dir);
  const input = await readImage(image);
  const pred = await readImage(path.join(dir, 'new/predictions/06c779330d6d.tif'));
  expect(pred.dtype).toBe('uint16');
  expect(pred.shape).toEqual(input.shape);
  const probs = await readImage(path.join(dir, 'new/probabilities/06c779330d6d.tif'));
  expect(probs.dtype).toBe('float32');
  expect(probs.shape).toEqual([2, ...input.shape]);
  await expectObjectsMatch(path.join(dir, 'new'), '06c779330d6d.tif', 2);
});

test('evaluate --workflow instance: ground truth against itself is perfect, an empty prediction has no true positive', async () => {
  const gtDir = path.join(data, 'train/labels');
  biaflow(['evaluate', '--workflow', 'instance', '--pred', gtDir, '--gt', gtDir, '--out', 'self'], dir);
  const self = readMetrics(path.join(dir, 'self'));
  expectMatchingReport(self, ['0280fa8f60f6.tif', '06c779330d6d.tif']);
  for (const t of ['0.3', '0.5', '0.75']) {
    expect(self.overall.matching[t]).toMatchObject({ f1: 1, precision: 1, recall: 1, mean_true_score: 1, mean_matched_score: 1, fp: 0, fn: 0 });
    expect(self.overall.matching[t].tp).toBeGreaterThan(0);
  }

  const empty = path.join(dir, 'empty');
  for (const f of ['0280fa8f60f6.tif', '06c779330d6d.tif']) await writeEmptyLike(path.join(gtDir, f), path.join(empty, f));
  biaflow(['evaluate', '--workflow', 'instance', '--pred', empty, '--gt', gtDir, '--out', 'none'], dir);
  const none = readMetrics(path.join(dir, 'none'));
  expectMatchingReport(none, ['0280fa8f60f6.tif', '06c779330d6d.tif']);
  expect(none.overall.matching['0.5']).toMatchObject({ tp: 0, fp: 0, n_pred: 0, f1: 0, fn: self.overall.matching['0.5'].n_true });
  expect(self.overall).toMatchObject({ ap_50_95: 1, aji: 1 });
  expect(none.overall).toMatchObject({ ap_50_95: 0, aji: 0 });
});

test('predict --set predict.tta=true: the probabilities differ from the plain prediction, and the log says TTA was on', async () => {
  const image = path.join(data, 'test/images', TEST_IMAGE);
  biaflow(['predict', '--model', path.join(runDir, 'model'), '--input', image, '--out', 'tta', '--set', 'predict.tta=true'], dir);
  const plain = await readImage(path.join(runDir, 'probabilities', TEST_IMAGE));
  const tta = await readImage(path.join(dir, 'tta/probabilities', TEST_IMAGE));
  expect(tta.shape).toEqual(plain.shape);
  expect([...tta.data].every((v) => v >= 0 && v <= 1)).toBe(true);
  let differ = 0;
  for (let i = 0; i < plain.data.length; i++) if (tta.data[i] !== plain.data[i]) differ++;
  expect(differ).toBeGreaterThan(plain.data.length / 2);
  const said = (runFolder: string) =>
    fs.readFileSync(path.join(runFolder, 'log.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.event === 'tta');
  const lines = said(path.join(dir, 'tta'));
  expect(lines).toHaveLength(1);
  expect(lines[0].transforms).toHaveLength(8);
  expect(lines[0].msg).toMatch(/^test-time augmentation on: each 32×32 tile is predicted 8 times/);
  expect(said(runDir)).toHaveLength(0);
});
