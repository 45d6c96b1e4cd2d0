import fs from 'node:fs';
import path from 'node:path';
import { loadWorkflowModel, predict, readImage, writeImage } from 'biaflow';
import { type Image } from '@biaflow/core/internals';
import { biaflow, fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * NaN and infinite pixels (data.nan), through the CLI on the real DSB2018 crops saved as float32
 * TIFFs: found where an image's pixels are first read, refused naming the file (exit 2) or replaced
 * by the median of the image's finite values and counted in the log; and a loss or weights gone
 * NaN during training stop it at that step (exit 1), keeping the last good checkpoint.
 */
const source = path.join(fixtures, 'nuclei2d');
const NAN_TRAIN = '06c779330d6d.tif';
const TEST = '003cee89357d.tif';

const config = (extra = '') => `
problem: { type: instance, ndim: 2 }
system: { backend: wasm, seed: 3, threads: 1 }
data:
  train: { images: data/train/images, labels: data/train/labels }
  val: { split: 0.5 }
  patch_size: [32, 32]
instance: { channels: BC }
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 1, batch_size: 2, steps_per_epoch: 2 }
# Every pixel is a seed and foreground: one object per image, whatever the tiny model learnt.
postprocess: [{ method: instance_watershed, seed_threshold: -1, contour_threshold: 2, foreground_threshold: -1, min_seed_size: 0 }]
${extra}`;

let dir: string;
/** The training image with 200 NaN pixels, as written. */
let nanTrain: Image;

/** A float32 copy of a fixture image, `spoil` putting NaN into it. */
async function floatCopy(from: string, to: string, spoil: (data: Float32Array, width: number) => void = () => {}): Promise<Image> {
  const image = await readImage(from);
  const data = Float32Array.from(image.data);
  spoil(data, image.shape[image.shape.length - 1]);
  const written = { data, shape: image.shape, axes: image.axes, spacing: image.spacing };
  fs.mkdirSync(path.dirname(to), { recursive: true });
  await writeImage(to, written);
  return { ...written, dtype: 'float32' };
}

const nanPatch = (data: Float32Array, width: number) => {
  for (let y = 20; y < 30; y++) for (let x = 20; x < 30; x++) data[y * width + x] = NaN;
};

function weightsOf(bundle: string): Float32Array {
  const bytes = fs.readFileSync(path.join(bundle, 'weights.bin'));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

const nonFinite = (values: ArrayLike<number>) => Array.from(values).filter((v) => !Number.isFinite(v)).length;

function logEvents(runDir: string, event: string): Record<string, unknown>[] {
  return fs
    .readFileSync(path.join(runDir, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.event === event);
}

/** numpy's median of the finite values. */
function finiteMedian(values: ArrayLike<number>): number {
  const sorted = Array.from(values).filter(Number.isFinite).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

beforeAll(async () => {
  dir = tmpdir();
  fs.cpSync(path.join(source, 'train/labels'), path.join(dir, 'data/train/labels'), { recursive: true });
  for (const f of fs.readdirSync(path.join(source, 'train/images'))) {
    // 200 NaN pixels spread over the image (every 17th pixel), as in the issue.
    const image = await floatCopy(path.join(source, 'train/images', f), path.join(dir, 'data/train/images', f), (data) => {
      if (f === NAN_TRAIN) for (let i = 0; i < 200; i++) data[i * 17] = NaN;
    });
    if (f === NAN_TRAIN) nanTrain = image;
  }
  // Test images: a clean one sorted first, then the same image with a 10×10 NaN patch.
  await floatCopy(path.join(source, 'test/images', TEST), path.join(dir, 'test/a-clean.tif'));
  await floatCopy(path.join(source, 'test/images', TEST), path.join(dir, 'test/b-patch.tif'), nanPatch);
  fs.writeFileSync(path.join(dir, 'config.yaml'), config());
});

describe('training', () => {
  test('a float32 training image with 200 NaN pixels stops train before the first step (exit 2), naming it', () => {
    const { stderr } = biaflow(['train', '--config', 'config.yaml', '--out', 'refused'], dir, 2);
    const file = path.join(dir, 'data/train/images', NAN_TRAIN);
    expect(stderr).toContain(`${file}: holds 200 NaN values (of 4096 samples)`);
    expect(stderr).toContain('data.nan: replace');
    // Nothing trained: no step, no checkpoint, no metrics.
    const runDir = path.join(dir, 'refused');
    expect(logEvents(runDir, 'epoch')).toEqual([]);
    expect(fs.existsSync(path.join(runDir, 'checkpoints'))).toBe(false);
    expect(fs.existsSync(path.join(runDir, 'train_metrics.csv'))).toBe(false);
  });

  test('with data.nan=replace it trains: the log names the file and the count, the weights are finite', () => {
    const { stderr } = biaflow(['train', '--config', 'config.yaml', '--out', 'replaced', '--set', 'data.nan=replace'], dir);
    const file = path.join(dir, 'data/train/images', NAN_TRAIN);
    const median = finiteMedian(nanTrain.data);
    expect(stderr).toContain(`${file}: replaced 200 NaN values by ${median}, the median of its finite values`);
    const runDir = path.join(dir, 'replaced');
    expect(logEvents(runDir, 'nan-replaced')).toEqual([expect.objectContaining({ file, nan: 200, infinite: 0, value: [median] })]);
    const weights = weightsOf(path.join(runDir, 'model'));
    expect(weights.length).toBeGreaterThan(1000);
    expect(nonFinite(weights)).toBe(0);
  });
});

describe('prediction', () => {
  const model = () => path.join(dir, 'replaced/model');
  const args = (out: string, extra: string[] = []) => [
    'predict',
    '--config',
    'config.yaml',
    '--set',
    `model.load=${model()}`,
    '--set',
    `data.test.images=${path.join(dir, 'test')}`,
    '--out',
    out,
    '--log-level',
    'warn',
    ...extra,
  ];

  test('a test image with a 10×10 NaN patch stops predict (exit 2) naming it; the image predicted before it is kept', () => {
    const { stderr } = biaflow(args('predict-refused'), dir, 2);
    expect(stderr).toContain(`${path.join(dir, 'test/b-patch.tif')}: holds 100 NaN values (of 4096 samples)`);
    const predictions = path.join(dir, 'predict-refused/predictions');
    expect(fs.readdirSync(predictions).sort()).toEqual(['a-clean.tif']);
  });

  test('with data.nan=replace its outputs are written, its probabilities finite, the replacement logged', async () => {
    const { stderr } = biaflow(args('predict-replaced', ['--set', 'data.nan=replace']), dir);
    const patched = path.join(dir, 'test/b-patch.tif');
    expect(stderr).toMatch(new RegExp(`${patched.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: replaced 100 NaN values by [0-9.]+, the median`));
    const out = path.join(dir, 'predict-replaced');
    const probabilities = await readImage(path.join(out, 'probabilities/b-patch.tif'));
    expect(probabilities.data.length).toBe(64 * 64 * 2);
    expect(nonFinite(probabilities.data)).toBe(0);
    expect(fs.readdirSync(path.join(out, 'predictions')).sort()).toEqual(['a-clean.tif', 'b-patch.tif']);
  });

  test('predict() from code refuses an in-memory image with NaN, naming it; with data.nan=replace it predicts finite values', async () => {
    const image = await floatCopy(path.join(source, 'test/images', TEST), path.join(dir, 'in-memory.tif'), nanPatch);
    const refusing = await loadWorkflowModel(model(), { sets: ['data.nan=refuse'] });
    try {
      await expect(predict(refusing, image, 'mine.tif')).rejects.toThrow('mine.tif: holds 100 NaN values (of 4096 samples)');
    } finally {
      await refusing.dispose();
    }
    const replacing = await loadWorkflowModel(model(), { sets: ['data.nan=replace'] });
    try {
      const result = await predict(replacing, image, 'mine.tif');
      expect(nonFinite(result.probabilities!.data)).toBe(0);
      // The caller's array is not changed.
      expect(nonFinite(image.data)).toBe(100);
    } finally {
      await replacing.dispose();
    }
  });
});

test('a NaN in training (a plugin tap puts one into a sample) stops at that step with exit 1; checkpoints/last is the last good epoch', () => {
  // The tap spoils the first sample of epoch 2, step 2 (augment events carry the seed of (epoch, step, sample)).
  fs.writeFileSync(
    path.join(dir, 'nan-tap.js'),
    `const { deriveSeed } = require(${JSON.stringify(path.join(repo, 'packages/image/dist/index.js'))});
const target = deriveSeed(3, 'augment', 1, 1, 0);
module.exports = { name: 'nan-tap', version: '1.0.0', core: '^0.1.0', apply(k) {
  k.hooks.augment.tap('nan-tap', (sample, event) => {
    if (event.seed !== target) return sample;
    const data = Float32Array.from(sample.image.data);
    data[5] = NaN;
    return { ...sample, image: { data, shape: sample.image.shape } };
  });
} };
`,
  );
  fs.writeFileSync(path.join(dir, 'diverge.yaml'), config('plugins: [./nan-tap.js]').replace('epochs: 1,', 'epochs: 3,'));
  const { stderr } = biaflow(['train', '--config', 'diverge.yaml', '--out', 'diverged', '--set', 'data.nan=replace'], dir, 1);
  expect(stderr).toMatch(/training diverged at epoch 2, step 2 of 2: the loss is (NaN|\S+ but the weights are no longer finite)/);
  expect(stderr).toContain('checkpoints/last (epoch 1) is kept');
  const runDir = path.join(dir, 'diverged');
  const last = path.join(runDir, 'checkpoints/last');
  expect(JSON.parse(fs.readFileSync(path.join(last, 'training_state.json'), 'utf8')).epoch).toBe(1);
  expect(nonFinite(weightsOf(last))).toBe(0);
  expect(nonFinite(weightsOf(path.join(runDir, 'checkpoints/best')))).toBe(0);
  expect(fs.existsSync(path.join(runDir, 'model'))).toBe(false);
  expect(fs.readFileSync(path.join(runDir, 'train_metrics.csv'), 'utf8').trim().split('\n')).toHaveLength(2); // header + epoch 1
});
