import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readImage, readImageHeader, writeImage } from 'biaflow';
import { fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * `config validate` finds, without training and from file headers only, what would stop a run:
 * missing data folders, images of another dimensionality or channel count, a patch size the network
 * cannot down-sample, a `model.z_down` of the wrong length, a detection tolerance under one pixel,
 * post-processing steps of another workflow. `run` makes the same checks before creating its folder.
 */
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const nuclei = path.join(fixtures, 'nuclei2d');
const nuclei3d = path.join(fixtures, 'nuclei3d');
const spots = path.join(fixtures, 'spots2d');

let dir: string;
beforeAll(() => {
  dir = tmpdir();
});

function validate(yaml: string, name: string) {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, yaml);
  const r = spawnSync(process.execPath, [bin, 'config', 'validate', '--config', file], { cwd: dir, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const instance2d = (extra = '', train = `${nuclei}/train`) => `
problem: { type: instance, ndim: 2 }
data:
  train: { images: ${train}/images, labels: ${train}/labels }
  test: { images: ${nuclei}/test/images, labels: ${nuclei}/test/labels }
  patch_size: [32, 32]
model: { feature_maps: [8, 16] }
${extra}`;

test('a valid config passes, having read the headers of its images', () => {
  const r = validate(instance2d(), 'valid');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('config OK');
});

test('image headers give what reading the image gives, without decoding it (TIFF, PNG, 3D TIFF)', async () => {
  for (const file of [`${nuclei}/train/images/0280fa8f60f6.tif`, `${spots}/test/images/smfish_y184_x424.png`, `${nuclei3d}/train/images/1135.tif`]) {
    const image = await readImage(file);
    expect(readImageHeader(file)).toEqual({ shape: image.shape, axes: image.axes, dtype: image.dtype, spacing: image.spacing });
  }
});

test('a data folder that does not exist is named with its key', () => {
  const r = validate(instance2d('', path.join(dir, 'nowhere')), 'missing');
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`data.train.images: ${path.join(dir, 'nowhere/images')} does not exist`);
  expect(r.stderr).toContain(`data.train.labels: ${path.join(dir, 'nowhere/labels')} does not exist`);
});

test('images of another dimensionality than problem.ndim are listed: 2D images for a 3D problem, stacks for a 2D one', () => {
  const threeD = validate(instance2d().replace('ndim: 2', 'ndim: 3').replace('patch_size: [32, 32]', 'patch_size: [8, 32, 32]'), 'ndim3');
  expect(threeD.status).toBe(2);
  expect(threeD.stderr).toContain(`data.train.images: 2 image(s) are 2D but problem.ndim is 3 (give Z stacks, or set it to 2): ${nuclei}/train/images/0280fa8f60f6.tif`);
  const stacks = validate(instance2d('', `${nuclei3d}/train`), 'stacks');
  expect(stacks.status).toBe(2);
  expect(stacks.stderr).toContain(`data.train.images: 1 image(s) are 3D stacks but problem.ndim is 2 (set it to 3, or give 2D images): ${nuclei3d}/train/images/1135.tif`);
});

test('an image with another channel count than the training images is named with its count', async () => {
  const train = path.join(dir, 'mixed');
  fs.cpSync(path.join(nuclei, 'train'), train, { recursive: true });
  const image = await readImage(path.join(train, 'images/06c779330d6d.tif'));
  const rgb = new Uint8Array(image.data.length * 3);
  for (let i = 0; i < image.data.length; i++) rgb.fill(image.data[i], i * 3, i * 3 + 3);
  await writeImage(path.join(train, 'images/06c779330d6d.tif'), { data: rgb, shape: [...image.shape, 3], axes: 'YXS' });
  const r = validate(instance2d('', train), 'channels');
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(`data.train.images: 1 image(s) have another channel count than 1 (the first training image, 0280fa8f60f6.tif): ${train}/images/06c779330d6d.tif (3)`);
  // The test image has 1 channel, as the first training image: not listed.
  expect(r.stderr).not.toContain('data.test.images');
});

test('a patch size the network cannot down-sample is refused with a size that fits', () => {
  const r = validate(instance2d().replace('feature_maps: [8, 16]', 'feature_maps: [8, 16, 32]').replace('patch_size: [32, 32]', 'patch_size: [30, 32]'), 'patch');
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('data.patch_size: [30, 32] is not a multiple of the network\'s down-sampling [4, 4]');
  expect(r.stderr).toContain('use e.g. [32, 32]');
});

test('model.z_down of the wrong length is refused', () => {
  const yaml = `
problem: { type: instance, ndim: 3 }
data:
  train: { images: ${nuclei3d}/train/images, labels: ${nuclei3d}/train/labels }
  patch_size: [8, 32, 32]
model: { feature_maps: [8, 16, 32], z_down: [1] }
`;
  const r = validate(yaml, 'zdown');
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('model.z_down: has 1 value(s) but the network downsamples 2 time(s)');
});

test('a detection tolerance under one pixel is refused (the workflow\'s own check, on the test images\' headers)', () => {
  const yaml = (tolerance: number) => `
problem: { type: detection, ndim: 2 }
data:
  train: { images: ${spots}/train/images, labels: ${spots}/train/points }
  test: { images: ${spots}/test/images, labels: ${spots}/test/points }
  patch_size: [32, 32]
model: { feature_maps: [8, 16] }
metrics: { detection_tolerance: ${tolerance} }
`;
  const r = validate(yaml(0.5), 'tolerance');
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('metrics.detection_tolerance: 0.5 is less than one pixel: only points on the same pixel would match; use at least 1');
  expect(validate(yaml(1), 'tolerance-ok').status).toBe(0);
});

test('post-processing steps of another workflow are refused', () => {
  // The semantic workflow's plugin loaded too, so its decoding step is registered, but for another workflow.
  const r = validate(instance2d("plugins: ['@biaflow/plugin-semantic']\npostprocess: [{ method: semantic_classes }]"), 'steps');
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('postprocess[0].method: "semantic_classes" applies to semantic problems, not instance');
});

test.each(['run', 'train'])('%s makes the same checks before it creates the run folder', (command) => {
  const file = path.join(dir, `${command}-bad.yaml`);
  fs.writeFileSync(file, instance2d().replace('patch_size: [32, 32]', 'patch_size: [30, 30]').replace('feature_maps: [8, 16]', 'feature_maps: [8, 16, 32]'));
  const r = spawnSync(process.execPath, [bin, command, '--config', file, '--out', `never-${command}`], { cwd: dir, encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('data.patch_size: [30, 30] is not a multiple');
  expect(fs.existsSync(path.join(dir, `never-${command}`))).toBe(false);
});
