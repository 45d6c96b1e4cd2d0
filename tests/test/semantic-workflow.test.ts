import fs from 'node:fs';
import path from 'node:path';
import { loadWorkflowModel, predict, readImage, writeImage } from 'biaflow';
import { biaflow, fixtures, readCsv, tmpdir } from './e2e-helpers';

/**
 * The semantic workflow through the CLI on real data, a tiny U-Net for a few steps: 2D EM crops
 * (ISBI 2012, 0/255 masks, sigmoid head) and 3D nuclei crops made binary (PlantSeg, softmax head,
 * z-filtering of the output). Every output exists with the right shape and dtype, metrics.json has
 * the documented fields, evaluation alone scores perfect and empty predictions as it should, and a
 * label that is not a class index stops the run before training.
 */
interface SemanticMetrics {
  overall: { iou: Record<string, number | null>; foreground_iou: number | null };
  per_image: { image: string; iou: Record<string, number | null>; foreground_iou: number | null }[];
}
const readMetrics = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'metrics.json'), 'utf8')) as SemanticMetrics;

function expectSemanticReport(m: SemanticMetrics, images: string[], classes: string[]): void {
  expect(Object.keys(m.overall.iou)).toEqual(classes);
  for (const c of classes) expect(typeof m.overall.iou[c]).toBe('number');
  expect(typeof m.overall.foreground_iou).toBe('number');
  expect(m.per_image.map((r) => r.image)).toEqual(images);
  for (const r of m.per_image) {
    expect(Object.keys(r.iou)).toEqual(classes);
    expect(typeof r.foreground_iou).toBe('number');
  }
}

describe('2D EM membranes (0/255 masks, sigmoid head)', () => {
  const data = path.join(fixtures, 'em2d');
  let dir: string;
  let runDir: string;
  beforeAll(() => {
    dir = tmpdir();
    fs.writeFileSync(
      path.join(dir, 'config.yaml'),
      `
problem: { type: semantic, ndim: 2 }
system: { backend: wasm, seed: 1 }
data:
  train: { images: ${data}/train/images, labels: ${data}/train/labels }
  val: { split: 0.5 }
  test: { images: ${data}/test/images, labels: ${data}/test/labels }
  patch_size: [32, 32]
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 2, batch_size: 2, steps_per_epoch: 3 }
postprocess:
  - { method: semantic_classes, threshold: auto }
`,
    );
    runDir = path.join(dir, 'run');
    biaflow(['run', '--config', 'config.yaml', '--out', 'run'], dir);
  });

  test('the run folder holds the model, a class map and probabilities per test image, and IoU metrics', async () => {
    for (const f of ['config.yaml', 'log.jsonl', 'split.json', 'train_metrics.csv', 'metrics.json', 'metrics.csv', 'model/biaflow.json']) {
      expect(fs.existsSync(path.join(runDir, f))).toBe(true);
    }
    const split = JSON.parse(fs.readFileSync(path.join(runDir, 'split.json'), 'utf8'));
    expect(split.label_mapping).toEqual({ '255': 1 });
    const meta = JSON.parse(fs.readFileSync(path.join(runDir, 'model/biaflow.json'), 'utf8'));
    expect(meta.channels).toEqual(['foreground']);

    const input = await readImage(path.join(data, 'test/images/12.png'));
    const pred = await readImage(path.join(runDir, 'predictions/12.tif'));
    expect(pred.dtype).toBe('uint16');
    expect(pred.shape).toEqual(input.shape);
    expect([...new Set(pred.data)].every((v) => v === 0 || v === 1)).toBe(true);
    const probs = await readImage(path.join(runDir, 'probabilities/12.tif'));
    expect(probs.dtype).toBe('float32');
    expect(probs.shape).toEqual(input.shape);
    expect([...probs.data].every((v) => v >= 0 && v <= 1)).toBe(true);

    const m = readMetrics(runDir);
    expectSemanticReport(m, ['12.png'], ['0', '1']);
    // The metric is the class map's against the mapped ground truth, computed here independently.
    const gt = await readImage(path.join(data, 'test/labels/12.png'));
    let inter = 0;
    let union = 0;
    for (let i = 0; i < gt.data.length; i++) {
      const g = gt.data[i] === 255;
      const p = pred.data[i] === 1;
      if (g && p) inter++;
      if (g || p) union++;
    }
    expect(m.overall.iou['1']).toBeCloseTo(inter / union, 12);
    expect(m.overall.foreground_iou).toBeCloseTo(inter / union, 12);
    const rows = readCsv(path.join(runDir, 'metrics.csv'));
    expect(rows.map((r) => r.image)).toEqual(['12.png']);
    expect(Number(rows[0]['iou.1'])).toBeCloseTo(inter / union, 12);
  });

  test('from code, predict(loadWorkflowModel(dir), image) gives the class map the CLI wrote', async () => {
    const model = await loadWorkflowModel(path.join(runDir, 'model'));
    try {
      const image = await readImage(path.join(data, 'test/images/12.png'));
      const result = await predict(model, image, '12.png');
      const written = await readImage(path.join(runDir, 'predictions/12.tif'));
      expect(result.labels?.shape).toEqual(written.shape);
      expect([...(result.labels?.data ?? [])]).toEqual([...written.data]);
      expect(result.probabilities?.shape).toEqual([...written.shape, 1]);
      // A bare array (no axes) is taken as [y, x].
      const bare = await predict(model, { data: image.data, shape: image.shape });
      expect([...(bare.labels?.data ?? [])]).toEqual([...written.data]);
    } finally {
      await model.dispose();
    }
  });

  test('postprocess --set re-thresholds the saved output: above 1 nothing is foreground', () => {
    biaflow(['postprocess', '--out', 'run', '--set', 'postprocess=[{method: semantic_classes, threshold: 1.01}]'], dir);
    const m = readMetrics(path.join(runDir, 'postprocess/1'));
    expect(m.overall.foreground_iou).toBe(0);
    expect(m.overall.iou['1']).toBe(0);
  });

  test('evaluate --workflow semantic: the ground truth against itself scores 1, an empty prediction 0', async () => {
    const gtDir = path.join(data, 'train/labels');
    biaflow(['evaluate', '--workflow', 'semantic', '--pred', gtDir, '--gt', gtDir, '--out', 'self'], dir);
    const self = readMetrics(path.join(dir, 'self'));
    expectSemanticReport(self, ['10.png', '11.png'], ['0', '1']);
    expect(self.overall).toEqual({ iou: { '0': 1, '1': 1 }, foreground_iou: 1 });

    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    for (const f of ['10.png', '11.png']) {
      const gt = await readImage(path.join(gtDir, f));
      await writeImage(path.join(empty, f.replace('.png', '.tif')), { data: new Uint8Array(gt.data.length), shape: gt.shape, axes: gt.axes });
    }
    biaflow(['evaluate', '--workflow', 'semantic', '--pred', empty, '--gt', gtDir, '--out', 'none'], dir);
    const none = readMetrics(path.join(dir, 'none'));
    expect(none.overall.foreground_iou).toBe(0);
    expect(none.overall.iou['1']).toBe(0);
    expect(none.overall.iou['0']).toBeGreaterThan(0);
    expect(none.overall.iou['0']).toBeLessThan(1);
  });

  test('a label that is not a class index stops the run before training, naming the file and the keys', async () => {
    const bad = path.join(dir, 'bad-labels');
    fs.mkdirSync(bad);
    for (const f of ['10.png', '11.png']) fs.copyFileSync(path.join(data, 'train/labels', f), path.join(bad, f));
    const gt = await readImage(path.join(data, 'train/labels/11.png'));
    const three = Uint8Array.from(gt.data);
    three[0] = 7;
    await writeImage(path.join(bad, '11.png'), { data: three, shape: gt.shape, axes: gt.axes });
    const r = biaflow(['train', '--config', 'config.yaml', '--out', 'bad', '--set', `data.train.labels=${bad}`], dir, 2);
    expect(r.stderr).toMatch(/11\.png: label holds values 7, 255 but semantic\.classes is 2/);
    expect(r.stderr).toContain('data.labels.mapping');
    expect(fs.existsSync(path.join(dir, 'bad/model/biaflow.json'))).toBe(false);
  });
});

describe('3D nuclei made binary (softmax head, z-filtered output)', () => {
  let dir: string;
  let runDir: string;
  beforeAll(async () => {
    dir = tmpdir();
    // Instance labels → 0/1 masks, keeping the anisotropic voxel size.
    for (const set of ['train', 'test']) {
      for (const kind of ['images', 'labels']) {
        const src = path.join(fixtures, 'nuclei3d', set, kind, set === 'train' ? '1135.tif' : '1136.tif');
        const image = await readImage(src);
        const out = path.join(dir, 'data', set, kind, path.basename(src));
        fs.mkdirSync(path.dirname(out), { recursive: true });
        const data = kind === 'labels' ? Uint8Array.from(image.data, (v) => (v !== 0 ? 1 : 0)) : image.data;
        await writeImage(out, { data, shape: image.shape, axes: image.axes, spacing: image.spacing });
      }
    }
    fs.writeFileSync(
      path.join(dir, 'config.yaml'),
      `
problem: { type: semantic, ndim: 3 }
system: { backend: wasm, seed: 2 }
data:
  train: { images: data/train/images, labels: data/train/labels }
  test: { images: data/test/images, labels: data/test/labels }
  patch_size: [16, 32, 32]
semantic: { classes: 2, head: softmax }
model: { feature_maps: [8, 16], normalization: none, z_down: [1] }
train: { epochs: 1, batch_size: 1, steps_per_epoch: 3 }
postprocess:
  - { method: median_filter, size: [3, 1, 1] }
`,
    );
    runDir = path.join(dir, 'run');
    biaflow(['run', '--config', 'config.yaml', '--out', 'run'], dir);
  });

  test('a 3D class map with the input\'s axes and spacing, two softmax channels, IoU per class', async () => {
    const input = await readImage(path.join(dir, 'data/test/images/1136.tif'));
    const pred = await readImage(path.join(runDir, 'predictions/1136.tif'));
    expect(pred.shape).toEqual(input.shape);
    expect(pred.axes).toBe('ZYX');
    expect(pred.spacing).toEqual(input.spacing);
    expect([...new Set(pred.data)].every((v) => v === 0 || v === 1)).toBe(true);
    const probs = await readImage(path.join(runDir, 'probabilities/1136.tif'));
    expect(probs.shape).toEqual([input.shape[0], 2, ...input.shape.slice(1)]);
    const meta = JSON.parse(fs.readFileSync(path.join(runDir, 'model/biaflow.json'), 'utf8'));
    expect(meta.channels).toEqual(['background', 'class_1']);
    expectSemanticReport(readMetrics(runDir), ['1136.tif'], ['0', '1']);
    // The z-filter ran on the network output before the arg-max (the log names the step).
    const log = fs.readFileSync(path.join(runDir, 'log.jsonl'), 'utf8');
    expect(log).toContain('median_filter');
  });
});
