import fs from 'node:fs';
import path from 'node:path';
import { readImage } from 'biaflow';
import { biaflow, expectMatchingReport, expectObjectsMatch, fixtures, readCsv, readMetrics, tmpdir, writeEmptyLike } from './e2e-helpers';

/**
 * The 3D instance workflow through the CLI on real PlantSeg nuclei crops (16×32×32, anisotropic
 * voxels 0.284×0.127×0.127 µm; 1 train + 1 test volume), B/C/D channels, a tiny U-Net for a few
 * steps: outputs keep the input's axes and spacing, post-processing re-runs, prediction of a new
 * volume, and evaluation on its own.
 */
const data = path.join(fixtures, 'nuclei3d');
const TEST_IMAGE = '1136.tif';

const config = `
problem: { type: instance, ndim: 3 }
system: { backend: wasm, seed: 5 }
data:
  train: { images: ${data}/train/images, labels: ${data}/train/labels }
  test: { images: ${data}/test/images, labels: ${data}/test/labels }
  patch_size: [16, 32, 32]
instance: { channels: BCD, contour_mode: inner }
model: { feature_maps: [8, 16], normalization: none, z_down: [1] }
train: { epochs: 2, batch_size: 1, steps_per_epoch: 2 }
`;

let dir: string;
let runDir: string;

beforeAll(() => {
  dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'config.yaml'), config);
  runDir = path.join(dir, 'run');
  biaflow(['run', '--config', 'config.yaml', '--out', 'run'], dir);
});

test('a 3D run writes uint16 labels with the input\'s axes and spacing, float32 B/C/D outputs, objects and metrics', async () => {
  for (const f of ['config.yaml', 'log.jsonl', 'split.json', 'train_metrics.csv', 'metrics.json', 'metrics.csv', 'objects.csv', 'model/biaflow.json']) {
    expect(fs.existsSync(path.join(runDir, f))).toBe(true);
  }
  const split = JSON.parse(fs.readFileSync(path.join(runDir, 'split.json'), 'utf8'));
  expect(split.counts).toEqual({ train: 1, val: 0, test: 1 });
  const meta = JSON.parse(fs.readFileSync(path.join(runDir, 'model/biaflow.json'), 'utf8'));
  expect(meta.channels).toEqual(['foreground', 'contour', 'distance']);

  const input = await readImage(path.join(data, 'test/images', TEST_IMAGE));
  expect(input.axes).toBe('ZYX');
  const pred = await readImage(path.join(runDir, 'predictions', TEST_IMAGE));
  expect(pred.dtype).toBe('uint16');
  expect(pred.axes).toBe('ZYX');
  expect(pred.shape).toEqual(input.shape);
  pred.spacing.forEach((s, i) => expect(s).toBeCloseTo(input.spacing[i] as number, 5));
  const probs = await readImage(path.join(runDir, 'probabilities', TEST_IMAGE));
  expect(probs.dtype).toBe('float32');
  expect(probs.axes).toBe('ZCYX');
  expect(probs.shape).toEqual([16, 3, 32, 32]);

  await expectObjectsMatch(runDir, TEST_IMAGE, 3);
  const header = fs.readFileSync(path.join(runDir, 'objects.csv'), 'utf8').split('\n')[0];
  // The volume carries its voxel size (0.284 × 0.127 × 0.127 µm): the µm columns follow the voxel ones.
  if (header) {
    expect(header.split(',')).toEqual([
      'image', 'label', 'area', 'centroid_z', 'centroid_y', 'centroid_x', 'bbox_z_min', 'bbox_y_min', 'bbox_x_min', 'bbox_z_max', 'bbox_y_max', 'bbox_x_max',
      'axis-0', 'axis-1', 'axis-2', 'volume_um3', 'centroid_um-0', 'centroid_um-1', 'centroid_um-2',
    ]);
  }
  const m = readMetrics(runDir);
  expectMatchingReport(m, [TEST_IMAGE]);
  expect(readCsv(path.join(runDir, 'metrics.csv')).map((r) => r.image)).toEqual([TEST_IMAGE]);
});

test('postprocess --set changes the 3D result (thresholds that make every voxel one object)', async () => {
  biaflow(['postprocess', '--out', 'run', '--set', 'postprocess=[{method: instance_watershed, seed_threshold: -1, contour_threshold: 2, distance_threshold: -1, foreground_threshold: -1, min_seed_size: 0}]'], dir);
  // New settings: a variant beside the first result.
  const variant = path.join(runDir, 'postprocess/1');
  const labels = await readImage(path.join(variant, 'predictions', TEST_IMAGE));
  expect(labels.axes).toBe('ZYX');
  expect(new Set(labels.data)).toEqual(new Set([1]));
  expect(await expectObjectsMatch(variant, TEST_IMAGE, 3)).toBe(1);
  expect(readMetrics(variant).overall.matching['0.5'].n_pred).toBe(1);
});

test('predict --model works on a new volume, and evaluate scores ground truth (F1 = 1) and an empty prediction (tp = 0)', async () => {
  const image = path.join(data, 'train/images/1135.tif');
  biaflow(['predict', '--model', path.join(runDir, 'model'), '--input', image, '--out', 'new'], dir);
  const input = await readImage(image);
  const pred = await readImage(path.join(dir, 'new/predictions/1135.tif'));
  expect(pred.dtype).toBe('uint16');
  expect(pred.axes).toBe('ZYX');
  expect(pred.shape).toEqual(input.shape);
  pred.spacing.forEach((s, i) => expect(s).toBeCloseTo(input.spacing[i] as number, 5));

  const gtDir = path.join(data, 'test/labels');
  biaflow(['evaluate', '--workflow', 'instance', '--pred', gtDir, '--gt', gtDir, '--out', 'self', '--set', 'problem.ndim=3'], dir);
  const self = readMetrics(path.join(dir, 'self'));
  expectMatchingReport(self, [TEST_IMAGE]);
  expect(self.overall.matching['0.75']).toMatchObject({ f1: 1, mean_true_score: 1, fp: 0, fn: 0 });

  await writeEmptyLike(path.join(gtDir, TEST_IMAGE), path.join(dir, 'empty', TEST_IMAGE));
  biaflow(['evaluate', '--workflow', 'instance', '--pred', 'empty', '--gt', gtDir, '--out', 'none', '--set', 'problem.ndim=3'], dir);
  const none = readMetrics(path.join(dir, 'none'));
  expect(none.overall.matching['0.5']).toMatchObject({ tp: 0, n_pred: 0, f1: 0, fn: self.overall.matching['0.5'].n_true });
});
