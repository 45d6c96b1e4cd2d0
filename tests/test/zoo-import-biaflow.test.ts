/**
 * @jest-environment ./packages/engine-onnx/test/onnx-environment.js
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { strFromU8, strToU8, unzipSync } from 'fflate';
import { createZip } from '@biaflow/bioimageio';
import { loadWorkflowModel, predict, readImage } from 'biaflow';
import { biaflow, fixtures, tmpdir } from './e2e-helpers';

/**
 * biaflow's own models going out as zoo packages and coming back: a tiny instance model trained on
 * the real nuclei fixtures is exported (`biaflow export`); the package predicts (CLI and
 * `loadWorkflowModel`) the same label images as the original bundle; its tensorflow_js weights are
 * fine-tuned with `model.load`; an ONNX-only package predicts labels but is refused for fine-tuning
 * with exit 2 saying why; a model shipped in an installed package is found by its name.
 */
const dir = tmpdir();
const f = fixtures;
const run = path.join(dir, 'run');
const bundle = path.join(run, 'model');
const pkg = path.join(dir, 'pkg');
const onnxOnly = path.join(dir, 'pkg-onnx-only');
const testImages = `${f}/nuclei2d/test/images`;

const DATA = `system: { backend: wasm, seed: 2 }
problem: { type: instance, ndim: 2 }
data:
  train: { images: ${f}/nuclei2d/train/images, labels: ${f}/nuclei2d/train/labels }
  val: { split: 0.5 }
  test: { images: ${testImages}, labels: ${f}/nuclei2d/test/labels }
  patch_size: [32, 32]
  normalization: { method: percentile, percentiles: [1, 99.8] }
instance: { channels: BC }
# Low thresholds: a network trained for 6 steps gives objects under them (none under the defaults).
postprocess: [{ method: instance_watershed, seed_threshold: 0.2, contour_threshold: 0.4 }]
`;
const CONFIG = `${DATA}model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 2, batch_size: 2, steps_per_epoch: 3 }
`;

/** A fine-tuning config starting from `load` (none: a fresh network): one step at a learning rate that leaves the weights where they start. */
function fineTuneConfig(load?: string): string {
  return `${DATA}model: { feature_maps: [8, 16], normalization: none${load ? `, load: ${load}` : ''} }
train: { epochs: 1, batch_size: 2, steps_per_epoch: 1, lr: 1.0e-12 }
`;
}

function predictWith(model: string, out: string, cwd = dir): string {
  biaflow(['predict', '--model', model, '--input', testImages, '--out', path.join(dir, out), '--log-level', 'warn'], cwd);
  return path.join(dir, out, 'predictions');
}

async function labelsOf(predictions: string): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const name of fs.readdirSync(predictions).sort()) out.set(name, Array.from((await readImage(path.join(predictions, name))).data as ArrayLike<number>));
  return out;
}

function weights(modelDir: string): Float32Array {
  const b = fs.readFileSync(path.join(modelDir, 'weights.bin'));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

let original: Map<string, number[]>;

beforeAll(async () => {
  fs.writeFileSync(path.join(dir, 'train.yaml'), CONFIG);
  biaflow(['train', '--config', 'train.yaml', '--out', run, '--log-level', 'warn'], dir);
  biaflow(['export', '--model', bundle, '--out', pkg], dir);
  original = await labelsOf(predictWith(bundle, 'pred-bundle'));

  // The same package without its tensorflow_js weights: what other zoo tools would hand over.
  fs.cpSync(pkg, onnxOnly, { recursive: true });
  const file = path.join(onnxOnly, 'bioimageio.yaml');
  const d = parse(fs.readFileSync(file, 'utf8'));
  delete d.weights.tensorflow_js;
  delete d.weights.onnx.parent;
  fs.writeFileSync(file, stringify(d));
  fs.rmSync(path.join(onnxOnly, 'tensorflow_js_weights.zip'));
  // Training, export and a prediction: minutes on a loaded 2-core machine.
}, 900_000);

test('the exported package predicts the label images of the original bundle (predict --model PACKAGE)', async () => {
  const labels = await labelsOf(predictWith(pkg, 'pred-pkg'));
  expect([...labels.keys()]).toEqual([...original.keys()]);
  expect(labels.size).toBeGreaterThan(0);
  for (const [name, l] of labels) {
    expect(l).toEqual(original.get(name));
    expect(new Set(l).size).toBeGreaterThan(1);
  }
  // And from its bioimageio.yaml.
  const fromYaml = await labelsOf(predictWith(path.join(pkg, 'bioimageio.yaml'), 'pred-yaml'));
  for (const [name, l] of fromYaml) expect(l).toEqual(original.get(name));
});

test('loadWorkflowModel(PACKAGE) gives in code the labels the CLI wrote for the bundle', async () => {
  const model = await loadWorkflowModel(pkg);
  try {
    expect(model.config.problem.type).toBe('instance');
    const [name] = [...original.keys()];
    const image = await readImage(path.join(testImages, fs.readdirSync(testImages).find((n) => n.startsWith(path.parse(name).name))!));
    const result = await predict(model, image, name);
    expect(Array.from(result.labels!.data as ArrayLike<number>)).toEqual(original.get(name));
  } finally {
    await model.dispose();
  }
});

test('an ONNX-only package predicts objects through ONNX Runtime with the package processing and the workflow in config.biaflow', async () => {
  const labels = await labelsOf(predictWith(onnxOnly, 'pred-onnx'));
  const log = fs.readFileSync(path.join(dir, 'pred-onnx', 'log.jsonl'), 'utf8');
  expect(log).toContain('"event":"zoo-model"');
  // Same network (ONNX export within 1e-4 of tfjs), same normalization as zoo ops, whole-image
  // processing instead of biaflow's 32×32 tiles: the foreground agrees almost everywhere.
  for (const [name, l] of labels) {
    const o = original.get(name)!;
    let both = 0;
    let either = 0;
    for (let i = 0; i < l.length; i++) {
      if (l[i] > 0 && o[i] > 0) both++;
      if (l[i] > 0 || o[i] > 0) either++;
    }
    expect(both / either).toBeGreaterThan(0.9);
  }
});

test('model.load: a package with biaflow tensorflow_js weights is fine-tuned from those weights', () => {
  fs.writeFileSync(path.join(dir, 'ft.yaml'), fineTuneConfig(pkg));
  biaflow(['train', '--config', 'ft.yaml', '--out', path.join(dir, 'ft'), '--log-level', 'warn'], dir);
  const log = fs.readFileSync(path.join(dir, 'ft', 'log.jsonl'), 'utf8');
  expect(log).toContain('"event":"model-load"');
  // One step at lr 1e-12 moves no weight measurably: the model starts from the package's weights,
  // which differ from a fresh network's (2 epochs of training moved them).
  expect(maxDifference(weights(path.join(dir, 'ft', 'model')), weights(bundle))).toBeLessThan(1e-6);
  fs.writeFileSync(path.join(dir, 'fresh.yaml'), fineTuneConfig());
  biaflow(['train', '--config', 'fresh.yaml', '--out', path.join(dir, 'fresh'), '--log-level', 'warn'], dir);
  expect(maxDifference(weights(path.join(dir, 'fresh', 'model')), weights(bundle))).toBeGreaterThan(1e-4);
}, 600_000);

test('model.load: an ONNX-only package is refused for fine-tuning with exit 2 saying why', () => {
  fs.writeFileSync(path.join(dir, 'ft-onnx.yaml'), fineTuneConfig(onnxOnly));
  const { stderr } = biaflow(['train', '--config', 'ft-onnx.yaml', '--out', path.join(dir, 'ft-onnx'), '--log-level', 'warn'], dir, 2);
  expect(stderr).toContain('model.load');
  expect(stderr).toContain('cannot be fine-tuned');
  expect(stderr).toContain(path.join(onnxOnly, 'weights.onnx'));
  expect(stderr).toContain('tensorflow_js');
  expect(stderr).not.toMatch(/\n\s+at /);
});

describe('models by name', () => {
  const project = path.join(dir, 'project');
  const shipped = path.join(project, 'node_modules', 'biaflow-model-tiny-nuclei');

  beforeAll(() => {
    // A model package as the lead's @biaflow/model-nuclei2d will be: data only, no code.
    fs.mkdirSync(shipped, { recursive: true });
    fs.cpSync(bundle, path.join(shipped, 'model'), { recursive: true });
    fs.writeFileSync(
      path.join(shipped, 'package.json'),
      JSON.stringify({ name: 'biaflow-model-tiny-nuclei', version: '1.2.3', description: 'a tiny nuclei model', biaflow: { models: [{ name: 'tinynuclei', path: 'model', description: 'tiny 2D nuclei instance model (test)' }] } }),
    );
    fs.mkdirSync(path.join(project, 'sub'), { recursive: true });
  });

  test('predict --model NAME finds a model shipped in an installed package (from a subfolder too)', async () => {
    const labels = await labelsOf(predictWith('tinynuclei', 'pred-name', path.join(project, 'sub')));
    for (const [name, l] of labels) expect(l).toEqual(original.get(name));
  });

  test('model.load: NAME fine-tunes the named model', () => {
    fs.writeFileSync(path.join(project, 'ft.yaml'), fineTuneConfig('tinynuclei'));
    biaflow(['train', '--config', 'ft.yaml', '--out', path.join(dir, 'ft-name'), '--log-level', 'warn'], project);
    expect(maxDifference(weights(path.join(dir, 'ft-name', 'model')), weights(bundle))).toBeLessThan(1e-6);
  });

  test('an unknown name exits 2 listing the installed models; biaflow plugins lists them', () => {
    const { stderr } = biaflow(['predict', '--model', 'nuclei3d', '--input', testImages, '--out', path.join(dir, 'x'), '--log-level', 'warn'], project, 2);
    expect(stderr).toContain('"nuclei3d"');
    expect(stderr).toContain('installed: tinynuclei');
    fs.writeFileSync(path.join(project, 'bad.yaml'), fineTuneConfig('nuclei3d'));
    const bad = biaflow(['train', '--config', 'bad.yaml', '--out', path.join(dir, 'y'), '--log-level', 'warn'], project, 2);
    expect(bad.stderr).toContain('model.load "nuclei3d"');
    expect(bad.stderr).toContain('tinynuclei');
    const { stdout } = biaflow(['plugins'], project);
    expect(stdout).toMatch(/tinynuclei\s+biaflow-model-tiny-nuclei@1\.2\.3\s+tiny 2D nuclei instance model \(test\)/);
    expect(stdout).toContain('model formats: bioimageio');
  });
});

test('the package keeps its hashes: the tensorflow_js weights it was predicted with are the ones it lists', () => {
  const d = parse(fs.readFileSync(path.join(pkg, 'bioimageio.yaml'), 'utf8'));
  const sha = createHash('sha256').update(fs.readFileSync(path.join(pkg, d.weights.tensorflow_js.source))).digest('hex');
  expect(sha).toBe(d.weights.tensorflow_js.sha256);
});

test('a package whose biaflow bundle names plugin files (and ships them) runs none of them: exit 2 saying why', () => {
  const trojan = path.join(dir, 'pkg-trojan');
  fs.cpSync(pkg, trojan, { recursive: true });
  const marker = path.join(dir, 'MARKER');
  const evil = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { name: 'evil', version: '1.0.0', core: '^0.1.0', apply() {} };\n`;
  fs.writeFileSync(path.join(trojan, 'evil.js'), evil);
  // The bundle inside the tensorflow_js weights names ./evil.js as a plugin its training loaded;
  // the description lists the new zip's sha256, so the package is consistent.
  const zipFile = path.join(trojan, 'tensorflow_js_weights.zip');
  const files = unzipSync(new Uint8Array(fs.readFileSync(zipFile)));
  const meta = JSON.parse(strFromU8(files['biaflow.json']));
  meta.plugins = [...(meta.plugins ?? []), { name: './evil.js', version: '*' }];
  meta.config.plugins = ['./evil.js'];
  files['biaflow.json'] = strToU8(JSON.stringify(meta));
  const zip = createZip(new Map(Object.entries(files)));
  fs.writeFileSync(zipFile, zip);
  const yamlFile = path.join(trojan, 'bioimageio.yaml');
  const d = parse(fs.readFileSync(yamlFile, 'utf8'));
  d.weights.tensorflow_js.sha256 = createHash('sha256').update(zip).digest('hex');
  fs.writeFileSync(yamlFile, stringify(d));

  const { stderr } = biaflow(['predict', '--model', trojan, '--input', testImages, '--out', path.join(dir, 'pred-trojan'), '--log-level', 'warn'], trojan, 2);
  expect(stderr).toContain('plugin "./evil.js" is a path');
  expect(stderr).toContain('biaflow never runs a file a model or a run folder names');
  expect(fs.existsSync(marker)).toBe(false);
});
