/**
 * @jest-environment ./packages/engine-onnx/test/onnx-environment.js
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadWorkflowModel, predict, readImage } from 'biaflow';
import { type Image } from '@biaflow/core';
import { biaflow, fixtures, tmpdir } from './e2e-helpers';

/**
 * `predict.engine: onnx` (from @biaflow/engine-onnx, listed under plugins:): a tiny instance model
 * trained on the real nuclei crops predicts its test image through ONNX Runtime in `biaflow run`,
 * and the probabilities equal those of the tfjs engine (`biaflow predict --set predict.engine=tfjs`)
 * within 1e-4; `loadWorkflowModel` opens the same model with ONNX Runtime from code.
 */
const data = path.join(fixtures, 'nuclei2d');
const TEST_IMAGE = '003cee89357d.tif';

const config = `
problem: { type: instance, ndim: 2 }
system: { backend: wasm, seed: 3 }
plugins: ['@biaflow/engine-onnx']
data:
  train: { images: ${data}/train/images, labels: ${data}/train/labels }
  val: { split: 0.5 }
  test: { images: ${data}/test/images, labels: ${data}/test/labels }
  patch_size: [32, 32]
instance: { channels: BC }
model: { feature_maps: [8, 16], normalization: batch }
train: { epochs: 2, batch_size: 2, steps_per_epoch: 3 }
predict: { engine: onnx, overlap: 0.5, padding: 4 }
`;

let dir: string;
let runDir: string;

function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

beforeAll(() => {
  dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'config.yaml'), config);
  runDir = path.join(dir, 'run');
  biaflow(['run', '--config', 'config.yaml', '--out', 'run', '--log-level', 'warn'], dir);
  // The same model and test image through tfjs.
  biaflow(['predict', '--model', path.join(runDir, 'model'), '--input', path.join(data, 'test/images'), '--out', 'tfjs', '--set', 'predict.engine=tfjs', '--log-level', 'warn'], dir);
});

test('biaflow run predicts through ONNX Runtime; its probabilities equal tfjs\'s within 1e-4', async () => {
  const events = fs
    .readFileSync(path.join(runDir, 'log.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event?: string; threads?: number });
  const opened = events.filter((e) => e.event === 'onnx-engine');
  expect(opened).toHaveLength(1);
  expect(opened[0].threads).toBeGreaterThanOrEqual(1);
  const onnx = await readImage(path.join(runDir, 'probabilities', TEST_IMAGE));
  const tfjs = await readImage(path.join(dir, 'tfjs/probabilities', TEST_IMAGE));
  expect(onnx.shape).toEqual([2, 64, 64]);
  expect(tfjs.shape).toEqual(onnx.shape);
  expect(largestDifference(onnx.data as Float32Array, tfjs.data as Float32Array)).toBeLessThan(1e-4);
  // Not two copies of one constant: the network output varies over the image.
  const values = onnx.data as Float32Array;
  expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.01);
  // And the tfjs run used no ONNX Runtime.
  expect(fs.readFileSync(path.join(dir, 'tfjs/log.jsonl'), 'utf8')).not.toContain('"event":"onnx-engine"');
});

test('loadWorkflowModel opens the model with ONNX Runtime (the training config chose it) and predicts what tfjs predicts', async () => {
  const image: Image = await readImage(path.join(data, 'test/images', TEST_IMAGE));
  const tfjs = await readImage(path.join(dir, 'tfjs/probabilities', TEST_IMAGE));
  const model = await loadWorkflowModel(path.join(runDir, 'model'));
  try {
    expect(model.network.engine).toBe('onnx');
    const result = await predict(model, image, TEST_IMAGE);
    const probabilities = result.probabilities!;
    // Channels last from code, channels first in the file.
    const [h, w, c] = probabilities.shape;
    expect([c, h, w]).toEqual(tfjs.shape);
    const first = new Float32Array(h * w * c);
    for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) first[k * h * w + i] = probabilities.data[i * c + k];
    expect(largestDifference(first, tfjs.data as Float32Array)).toBeLessThan(1e-4);
    // The labels the CLI wrote with ONNX Runtime are what code gets.
    const written = await readImage(path.join(runDir, 'predictions', TEST_IMAGE));
    expect(Array.from(result.labels!.data)).toEqual(Array.from(written.data));
  } finally {
    await model.dispose();
  }
  const tfjsModel = await loadWorkflowModel(path.join(runDir, 'model'), { sets: ['predict.engine=tfjs'] });
  try {
    expect(tfjsModel.network.engine).toBe('tfjs');
  } finally {
    await tfjsModel.dispose();
  }
});
