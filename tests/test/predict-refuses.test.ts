import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readImage, writeImage } from 'biaflow';
import { biaflow, fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * Prediction refuses, with exit 2 and the file's name, what the model was not trained for: another
 * channel count, a 3D stack for a 2D model, and — the model normalizing with `div` — another sample
 * type than the training images' (recorded in biaflow.json), unless predict.rescale_input is set.
 */
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const nuclei = path.join(fixtures, 'nuclei2d');
const testImage = path.join(nuclei, 'test/images/003cee89357d.tif');

let dir: string;
let model: string;

function predict(input: string, out: string, extra: string[] = []) {
  const r = spawnSync(process.execPath, [bin, 'predict', '--model', model, '--input', input, '--out', out, '--log-level', 'warn', ...extra], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, BIAFLOW_DEBUG: '' },
  });
  return { status: r.status, stderr: r.stderr };
}

/** Exit 2, the file named, no stack trace and no tensor error. */
function expectRefused(r: { status: number | null; stderr: string }, file: string) {
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`error: ${file}: `);
  expect(r.stderr).not.toMatch(/\n\s+at |tensor|Error when checking/i);
}

beforeAll(() => {
  dir = tmpdir();
  fs.writeFileSync(
    path.join(dir, 'config.yaml'),
    `
problem: { type: instance, ndim: 2 }
system: { backend: wasm, seed: 5, threads: 1 }
data:
  train: { images: ${nuclei}/train/images, labels: ${nuclei}/train/labels }
  val: { split: 0.5 }
  patch_size: [32, 32]
  normalization: { method: div }
instance: { channels: BC }
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 1, batch_size: 2, steps_per_epoch: 1, tune_thresholds: false }
`,
  );
  biaflow(['train', '--config', 'config.yaml', '--out', 'run', '--log-level', 'warn'], dir);
  model = path.join(dir, 'run/model');
}, 300_000);

test('the bundle records the training images\' sample type', () => {
  const meta = JSON.parse(fs.readFileSync(path.join(model, 'biaflow.json'), 'utf8'));
  expect(meta.input_dtype).toBe('uint8');
  expect(meta.normalization.method).toBe('div');
});

test('an image with another channel count is refused, naming the file and both counts', async () => {
  const image = await readImage(testImage);
  const rgb = new Uint8Array(image.data.length * 3);
  for (let i = 0; i < image.data.length; i++) rgb.fill(image.data[i], i * 3, i * 3 + 3);
  const file = path.join(dir, 'rgb.tif');
  await writeImage(file, { data: rgb, shape: [...image.shape, 3], axes: 'YXS' });
  const r = predict(file, 'rgb');
  expectRefused(r, file);
  expect(r.stderr).toContain('has 3 channel(s), but the model was trained on images with 1');
  expect(fs.existsSync(path.join(dir, 'rgb/predictions/rgb.tif'))).toBe(false);
});

test('a 3D stack for a 2D model is refused, naming the file', async () => {
  const image = await readImage(testImage);
  const stack = new Uint8Array(image.data.length * 4);
  for (let z = 0; z < 4; z++) stack.set(image.data as Uint8Array, z * image.data.length);
  const file = path.join(dir, 'stack.tif');
  await writeImage(file, { data: stack, shape: [4, ...image.shape], axes: 'ZYX' });
  const r = predict(file, 'stack');
  expectRefused(r, file);
  expect(r.stderr).toContain('is a 3D stack of 4 planes, but the model was trained on 2D images');
  // In a folder, it is refused from its header before any image is predicted, even one listed before it.
  const mixed = path.join(dir, 'mixed');
  fs.mkdirSync(mixed);
  fs.copyFileSync(testImage, path.join(mixed, 'a-good.tif'));
  fs.copyFileSync(file, path.join(mixed, 'b-stack.tif'));
  const folder = predict(mixed, 'mixed-out');
  expectRefused(folder, path.join(mixed, 'b-stack.tif'));
  expect(fs.existsSync(path.join(dir, 'mixed-out/predictions/a-good.tif'))).toBe(false);
});

test('another sample type under div normalization is refused, naming both types and predict.rescale_input; with it, rescaled to the trained range', async () => {
  const image = await readImage(testImage);
  // × 257 maps the uint8 range exactly onto the uint16 one: rescaled back (× 255/65535) it is the same image.
  const wide = Uint16Array.from(image.data as Uint8Array, (v) => v * 257);
  const file = path.join(dir, '003cee89357d.tif');
  fs.mkdirSync(path.join(dir, 'wide'));
  const wideFile = path.join(dir, 'wide', path.basename(file));
  await writeImage(wideFile, { data: wide, shape: image.shape, axes: image.axes });
  const r = predict(wideFile, 'refused');
  expectRefused(r, wideFile);
  expect(r.stderr).toContain('is uint16, but the model was trained on uint8 images');
  expect(r.stderr).toContain('predict.rescale_input: true');

  expect(predict(wideFile, 'rescaled', ['--set', 'predict.rescale_input=true']).status).toBe(0);
  expect(predict(testImage, 'plain').status).toBe(0);
  const rescaled = await readImage(path.join(dir, 'rescaled/probabilities/003cee89357d.tif'));
  const plain = await readImage(path.join(dir, 'plain/probabilities/003cee89357d.tif'));
  expect(rescaled.shape).toEqual(plain.shape);
  let worst = 0;
  for (let i = 0; i < plain.data.length; i++) worst = Math.max(worst, Math.abs(rescaled.data[i] - plain.data[i]));
  expect(worst).toBeLessThan(1e-5);
});
