import fs from 'node:fs';
import path from 'node:path';
import { readImage, writeImage } from 'biaflow';
import { biaflow, fixtures, handMadeRun, repo, tmpdir } from './e2e-helpers';

/**
 * Who a problem is told as. A problem of the person's data that biaflow's own checks find — the data
 * check before training, core's label reader — is biaflow's input error (exit 2, naming the file),
 * even when a workflow's stage was running (training runs inside `train[<workflow>]`, scoring inside
 * `evaluate[<workflow>]`); a plugin's own failure still names the plugin and the hook.
 */
const spotsPlugin = path.join(repo, 'tests/fixtures/plugin-spots/index.js');
const spots = path.join(fixtures, 'spots2d');
const nuclei = path.join(fixtures, 'nuclei2d');

/** The first line of stderr that starts with `error:`, and the lines after it. */
const errorOf = (stderr: string) => stderr.slice(stderr.indexOf('error: '));

/** A spot-count config (the third-party fixture) training on `train`, with `plugins` beside it. */
function spotCountConfig(dir: string, train: string, plugins: string[] = []): string {
  const file = path.join(dir, 'config.yaml');
  fs.writeFileSync(
    file,
    `problem: { type: spot-count, ndim: 2 }
plugins: [${[spotsPlugin, ...plugins].join(', ')}]
system: { backend: wasm, seed: 1 }
data:
  train: { images: ${train}/images, labels: ${train}/points }
  val: { split: 0.5 }
  patch_size: [32, 32]
model: { feature_maps: [4, 8], normalization: none }
train: { epochs: 1, batch_size: 2, steps_per_epoch: 1 }
`,
  );
  return file;
}

test("a point outside its image, found by the data check inside a third-party workflow's train stage, is biaflow's input error", () => {
  const dir = tmpdir();
  const train = path.join(dir, 'train');
  fs.cpSync(path.join(spots, 'train'), train, { recursive: true });
  const csv = path.join(train, 'points', 'smfish_y248_x96.csv');
  fs.appendFileSync(csv, '100,5\n');
  const rows = fs.readFileSync(csv, 'utf8').trim().split('\n').length - 1;
  const config = spotCountConfig(dir, train);
  const { stderr } = biaflow(['train', '--config', config, '--out', 'run', '--log-level', 'error'], dir, 2);
  expect(errorOf(stderr)).toBe(
    [
      'error: the data has 1 file with problems (checked before training):',
      `  ${csv}: point ${rows} (row numbers) lie outside the 64×64 image`,
      'hint: fix or remove these files, then run again; nothing was trained',
      '',
    ].join('\n'),
  );
});

test("a label of another size than its image (the instance workflow's train stage) is biaflow's input error", async () => {
  const dir = tmpdir();
  const train = path.join(dir, 'train');
  fs.cpSync(path.join(nuclei, 'train'), train, { recursive: true });
  const label = path.join(train, 'labels', fs.readdirSync(path.join(train, 'labels')).sort()[0]);
  const full = await readImage(label);
  const cut = new Uint16Array(40 * 40);
  for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) cut[y * 40 + x] = full.data[y * full.shape[1] + x];
  await writeImage(label, { data: cut, shape: [40, 40] });
  fs.writeFileSync(
    path.join(dir, 'config.yaml'),
    `problem: { type: instance, ndim: 2 }\nsystem: { backend: wasm, seed: 1 }\ndata:\n  train: { images: ${train}/images, labels: ${train}/labels }\n  patch_size: [32, 32]\nmodel: { feature_maps: [4, 8] }\n`,
  );
  const { stderr } = biaflow(['train', '--config', 'config.yaml', '--out', 'run', '--log-level', 'error'], dir, 2);
  const error = errorOf(stderr);
  expect(error.split('\n')[0]).toBe('error: the data has 1 file with problems (checked before training):');
  expect(error).toContain(`  ${label}: label is 40×40 but its image ${path.basename(label)} is 64×64: they must have the same size`);
  expect(error).not.toContain('plugin "');
});

test("a ground truth of floats, refused by core's label reader inside the instance workflow's evaluate, is biaflow's input error", async () => {
  const dir = tmpdir();
  const gt = path.join(dir, 'gt');
  const runDir = path.join(dir, 'run');
  handMadeRun(runDir, 'problem: {type: instance, ndim: 2}\n');
  const names = fs.readdirSync(path.join(nuclei, 'test/labels')).sort();
  fs.mkdirSync(path.join(runDir, 'predictions'));
  for (const name of names) {
    // The true labels as the prediction; the ground truth the same values, stored as float32.
    const label = await readImage(path.join(nuclei, 'test/labels', name));
    await writeImage(path.join(gt, name), { data: Float32Array.from(label.data), shape: label.shape });
    fs.copyFileSync(path.join(nuclei, 'test/labels', name), path.join(runDir, 'predictions', name));
  }
  fs.writeFileSync(path.join(dir, 'config.yaml'), `problem: { type: instance, ndim: 2 }\ndata:\n  test: { images: ${nuclei}/test/images, labels: ${gt} }\n`);
  const { stderr } = biaflow(['evaluate', '--config', 'config.yaml', '--out', runDir, '--overwrite', '--log-level', 'error'], dir, 2);
  expect(errorOf(stderr)).toBe(`error: ${path.join(gt, names[0])}: is float32; instance labels must be integers (uint8/16/32)\n`);
});

test("a plugin's own failure in a workflow's stage still names the plugin and the hook: a bug (exit 1), a bad input it found (exit 2)", () => {
  const dir = tmpdir();
  fs.writeFileSync(
    path.join(dir, 'failing.js'),
    `const { InputError } = require(${JSON.stringify(require.resolve('@biaflow/core'))});
module.exports = (options) => ({ name: 'failing-prepare', version: '1.0.0', core: '^0.1.0', apply(k) {
  k.hooks.preprocess.for('spot-count').tap({ name: 'failing-prepare', stage: 10 }, (sample) => {
    if (options.input) throw new InputError('has no spots I can use', { file: sample.name });
    const [height] = sample.weights.shape; // a bug: samples have no weights
    return height ? sample : sample;
  });
} });\n`,
  );
  const bug = spotCountConfig(dir, path.join(spots, 'train'), ['[./failing.js, { input: false }]']);
  const crashed = biaflow(['train', '--config', bug, '--out', 'bug', '--log-level', 'error'], dir, 1);
  expect(errorOf(crashed.stderr).split('\n')[0]).toBe(`error: plugin "failing-prepare" failed in hook "preprocess[spot-count]": Cannot read properties of undefined (reading 'shape')`);
  const input = spotCountConfig(dir, path.join(spots, 'train'), ['[./failing.js, { input: true }]']);
  const refused = biaflow(['train', '--config', input, '--out', 'input', '--log-level', 'error'], dir, 2);
  expect(errorOf(refused.stderr).split('\n')[0]).toMatch(/^error: plugin "failing-prepare" failed in hook "preprocess\[spot-count\]": smfish_y(248_x96|288_x192)\.png: has no spots I can use$/);
});
