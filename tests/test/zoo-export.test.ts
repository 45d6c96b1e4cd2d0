/**
 * @jest-environment ./packages/engine-onnx/test/onnx-environment.js
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { strFromU8, unzipSync } from 'fflate';
import { parse, stringify } from 'yaml';
import { bundledSchemaValidator, readNpy, writeNpy } from '@biaflow/bioimageio';
import { readImage } from 'biaflow';
import { toModelLayout, type BundleMeta } from '@biaflow/core';
import { exportModelPackage, formatReport, testZooPackage } from '@biaflow/engine-onnx';
import { biaflow, fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * `biaflow export` and `biaflow test-model` (contributed by @biaflow/engine-onnx) through the real
 * CLI: a tiny model of each workflow, trained on the real fixtures, is exported as a BioImage Model
 * Zoo package that validates against the zoo schema and passes test-model with both weights formats
 * (ONNX Runtime and tfjs); the zoo's own example passes; tampered weights and altered test outputs
 * fail naming the cause; bad input is refused with exit code 2. Some checks call the code the
 * commands run in this process (the report test-model prints, the errors export throws), to spare
 * a CLI start each; the CLI itself is exercised for every outcome (exit 0, 1 and 2).
 */
const ZOO_EXAMPLE = path.join(repo, 'packages/bioimageio/test/fixtures/unet2d_nuclei_broad');

interface Case {
  workflow: 'semantic' | 'instance' | 'detection' | 'classification';
  config: string;
  classifier: boolean;
}

const f = fixtures;
const CASES: Case[] = [
  {
    workflow: 'semantic',
    classifier: false,
    config: `problem: { type: semantic, ndim: 2 }
data:
  train: { images: ${f}/em2d/train/images, labels: ${f}/em2d/train/labels }
  val: { split: 0.5 }
  test: { images: ${f}/em2d/test/images, labels: ${f}/em2d/test/labels }
  patch_size: [32, 32]
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 2, batch_size: 2, steps_per_epoch: 3 }
postprocess:
  - { method: semantic_classes, threshold: auto }
`,
  },
  {
    workflow: 'instance',
    classifier: false,
    // The export section lives in the training config, which lists the plugin that owns it.
    config: `problem: { type: instance, ndim: 2 }
plugins: ['@biaflow/engine-onnx']
data:
  train: { images: ${f}/nuclei2d/train/images, labels: ${f}/nuclei2d/train/labels }
  val: { split: 0.5 }
  test: { images: ${f}/nuclei2d/test/images, labels: ${f}/nuclei2d/test/labels }
  patch_size: [32, 32]
  normalization: { method: percentile, percentiles: [1, 99.8] }
instance: { channels: BC }
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 2, batch_size: 2, steps_per_epoch: 3 }
export:
  name: DSB2018 nuclei (biaflow test)
  authors: [{ name: Ada Lovelace, affiliation: Analytical Engines, orcid: 0000-0002-1825-0097 }]
  license: CC-BY-4.0
  cite: [{ text: 'Caicedo et al. Nucleus segmentation across imaging experiments: the 2018 Data Science Bowl. Nature Methods 2019.', doi: 10.1038/s41592-019-0612-7 }]
  tags: [nuclei, fluorescence]
`,
  },
  {
    workflow: 'detection',
    classifier: false,
    config: `problem: { type: detection, ndim: 2 }
data:
  train: { images: ${f}/spots2d/train/images, labels: ${f}/spots2d/train/points }
  val: { split: 0.5 }
  test: { images: ${f}/spots2d/test/images, labels: ${f}/spots2d/test/points }
  patch_size: [32, 32]
  sampling: { foreground_probability: 0.5 }
model: { feature_maps: [8, 16] }
train: { epochs: 2, batch_size: 2 }
metrics: { detection_tolerance: 3 }
`,
  },
  {
    workflow: 'classification',
    classifier: true,
    config: `problem: { type: classification, ndim: 2 }
data:
  train: { images: ${f}/cells-classes/train }
  val: { split: 0.25 }
  test: { images: ${f}/cells-classes/test }
  patch_size: [48, 48]
  normalization: { method: div }
model: { architecture: simple_cnn, feature_maps: [8, 16] }
train: { epochs: 2, batch_size: 4 }
`,
  },
];

const dir = tmpdir();
const runOf = (c: Case) => path.join(dir, `run-${c.workflow}`);
const pkgOf = (c: Case) => path.join(dir, `pkg-${c.workflow}`);
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const readYaml = (p: string) => parse(fs.readFileSync(path.join(p, 'bioimageio.yaml'), 'utf8'));
const readMeta = (c: Case) => JSON.parse(fs.readFileSync(path.join(runOf(c), 'model/biaflow.json'), 'utf8')) as BundleMeta & { config: Record<string, unknown> };

/** What `biaflow test-model` prints, computed in this process. */
async function testModelReport(target: string): Promise<{ status: string; stdout: string; failed: string[] }> {
  const report = await testZooPackage(target, { threads: 1 });
  return { status: report.status, stdout: formatReport(report), failed: report.checks.filter((c) => c.status === 'failed').map((c) => c.name) };
}

/** The error a promise rejects with. */
async function rejection(p: Promise<unknown>): Promise<Error & { exitCode?: number }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { exitCode?: number };
  }
  throw new Error('expected a rejection');
}

/** A copy of an exported package, to damage. */
function copyOf(c: Case, name: string): string {
  const copy = path.join(dir, name);
  fs.cpSync(pkgOf(c), copy, { recursive: true });
  return copy;
}

beforeAll(() => {
  for (const c of CASES) {
    fs.writeFileSync(path.join(dir, `${c.workflow}.yaml`), `system: { backend: wasm, seed: 2 }\n${c.config}`);
    biaflow(['run', '--config', `${c.workflow}.yaml`, '--out', runOf(c), '--log-level', 'warn'], dir);
    biaflow(['export', '--model', path.join(runOf(c), 'model'), '--out', pkgOf(c)], dir);
  }
});

describe.each(CASES)('$workflow', (c) => {
  test('the exported package validates against the zoo schema and passes test-model with both weights formats', async () => {
    const raw = readYaml(pkgOf(c));
    expect(raw.format_version).toBe('0.5.7');
    expect(bundledSchemaValidator().validate(raw)).toEqual([]);
    expect(fs.readdirSync(pkgOf(c)).sort()).toEqual(['README.md', 'bioimageio.yaml', 'cover.png', 'tensorflow_js_weights.zip', 'test_input.npy', 'test_output.npy', 'weights.onnx']);

    const { status, stdout } = await testModelReport(pkgOf(c));
    expect(status).toBe('passed');
    const lines = stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('PASS  reproduce test outputs')).map((l) => /\(([a-z_]+)\)/.exec(l)![1]).sort()).toEqual(['onnx', 'tensorflow_js']);
    expect(lines).toContain("PASS  schema: valid against the zoo's JSON schema (model 0.5.7)");
    expect(lines[lines.length - 1]).toMatch(/^passed: \d+ passed, 0 failed, 0 skipped$/);
  });

  test('inputs, outputs and config.biaflow describe the bundle: axes, channel names, size rule, halo, preprocessing, decoding', () => {
    const raw = readYaml(pkgOf(c));
    const meta = readMeta(c);
    const [input] = raw.inputs;
    const [output] = raw.outputs;
    expect(input.axes.slice(0, 2)).toEqual([{ type: 'batch' }, { type: 'channel', channel_names: meta.input_channels === 3 ? ['channel0', 'channel1', 'channel2'] : ['channel0'] }]);
    expect(output.axes[1]).toEqual({ type: 'channel', channel_names: meta.channels });
    if (c.classifier) {
      expect(input.axes.slice(2)).toEqual([
        { type: 'space', id: 'y', size: 48 },
        { type: 'space', id: 'x', size: 48 },
      ]);
      expect(output.axes).toHaveLength(2);
    } else {
      // Patch 32: halo 4; the step is the network's size divisor.
      expect(meta.size_divisor).toEqual([2, 2]);
      expect(input.axes.slice(2)).toEqual([
        { type: 'space', id: 'y', size: { min: 10, step: 2 } },
        { type: 'space', id: 'x', size: { min: 10, step: 2 } },
      ]);
      expect(output.axes.slice(2)).toEqual([
        { type: 'space', id: 'y', size: { tensor_id: 'raw', axis_id: 'y' }, halo: 4 },
        { type: 'space', id: 'x', size: { tensor_id: 'raw', axis_id: 'x' }, halo: 4 },
      ]);
    }
    const ids = input.preprocessing.map((s: { id: string }) => s.id);
    const method = (meta.normalization as { method: string }).method;
    const expectedIds = { zscore: ['zero_mean_unit_variance'], percentile: ['scale_range', 'clip'], div: ['scale_linear'] }[method];
    expect(ids).toEqual(['ensure_dtype', ...expectedIds!, 'ensure_dtype']);
    if (method === 'div') expect(input.preprocessing[1].kwargs).toEqual({ gain: 1 / 255, offset: 0 });
    expect(output.data).toEqual({ type: 'float32', range: [0, 1] });
    expect(raw.weights.onnx).toMatchObject({ source: 'weights.onnx', opset_version: 17, parent: 'tensorflow_js', sha256: sha256(path.join(pkgOf(c), 'weights.onnx')) });
    expect(raw.weights.tensorflow_js).toMatchObject({ source: 'tensorflow_js_weights.zip', tensorflow_version: meta.versions['@tensorflow/tfjs'] });

    const b = raw.config.biaflow;
    expect(b.problem).toEqual(meta.config.problem);
    expect(b.postprocess).toEqual(meta.config.postprocess);
    if (c.workflow !== 'classification') expect(b[c.workflow]).toEqual(meta.config[c.workflow]);
    expect(b.normalization).toEqual(meta.normalization);
    expect(b.channels.output).toEqual(meta.channels);
    if (c.workflow === 'semantic') expect(b.postprocess).toEqual([{ method: 'semantic_classes', threshold: 'auto' }]);
  });

  test("the test input is the run's first test image (its centred box, as float32); the output has the network's channels", async () => {
    const split = JSON.parse(fs.readFileSync(path.join(runOf(c), 'split.json'), 'utf8'));
    const image = toModelLayout(await readImage(split.test[0].image), 2, split.test[0].image);
    const [h, w] = image.shape;
    const channels = image.shape.length === 3 ? image.shape[2] : 1;
    const input = readNpy(new Uint8Array(fs.readFileSync(path.join(pkgOf(c), 'test_input.npy'))));
    const output = readNpy(new Uint8Array(fs.readFileSync(path.join(pkgOf(c), 'test_output.npy'))));
    const size = c.classifier ? 48 : 64;
    expect(input.shape).toEqual([1, channels, size, size]);
    expect(input.data).toBeInstanceOf(Float32Array);
    const y0 = Math.floor((h - size) / 2);
    const x0 = Math.floor((w - size) / 2);
    for (const [y, x, ch] of [[0, 0, 0], [size - 1, size - 1, channels - 1], [17, 29, 0], [size >> 1, 3, channels - 1]]) {
      expect(input.data[(ch * size + y) * size + x]).toBe(Number(image.data[((y0 + y) * w + (x0 + x)) * channels + ch]));
    }
    const meta = readMeta(c);
    expect(output.shape).toEqual(c.classifier ? [1, meta.output_channels] : [1, meta.output_channels, size, size]);
    for (const v of output.data as Float32Array) expect(v >= 0 && v <= 1).toBe(true);
    if (c.classifier) expect(Array.from(output.data as Float32Array).reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
  });

  test('README, cover and description: training data, figures from metrics.json, the tfjs weights are for biaflow', async () => {
    const readme = fs.readFileSync(path.join(pkgOf(c), 'README.md'), 'utf8');
    const meta = readMeta(c);
    const train = (meta.config.data as { train: { images: string } }).train.images;
    expect(readme).toContain(`- Images: \`${train}\``);
    expect(readme).toMatch(/- Split: \d+ training, \d+ validation, \d+ test image\(s\)\./);
    const overall = JSON.parse(fs.readFileSync(path.join(runOf(c), 'metrics.json'), 'utf8')).overall;
    const mainKey = { semantic: ['foreground_iou'], instance: ['matching', '0.5', 'f1'], detection: ['f1'], classification: ['accuracy'] }[c.workflow];
    const main = mainKey.reduce((o: Record<string, unknown>, k) => o[k] as Record<string, unknown>, overall) as unknown as number;
    expect(typeof main).toBe('number');
    expect(readme).toContain(`| ${mainKey.join('.')} | ${Number.isInteger(main) ? main : main.toPrecision(4)} |`);
    expect(readme).toContain("these weights are for biaflow and its browser app");
    const cover = await readImage(path.join(pkgOf(c), 'cover.png'));
    expect(cover.shape).toEqual([256, 512, 3]);
  });
});

test('the export: section of the training config fills name, authors, licence, citation and tags', () => {
  const raw = readYaml(pkgOf(CASES[1]));
  expect(raw.name).toBe('DSB2018 nuclei (biaflow test)');
  expect(raw.authors).toEqual([{ name: 'Ada Lovelace', affiliation: 'Analytical Engines', orcid: '0000-0002-1825-0097' }]);
  expect(raw.license).toBe('CC-BY-4.0');
  expect(raw.cite).toEqual([{ text: 'Caicedo et al. Nucleus segmentation across imaging experiments: the 2018 Data Science Bowl. Nature Methods 2019.', doi: '10.1038/s41592-019-0612-7' }]);
  expect(raw.tags).toEqual(expect.arrayContaining(['nuclei', 'fluorescence', 'instance', 'biaflow']));
  const readme = fs.readFileSync(path.join(pkgOf(CASES[1]), 'README.md'), 'utf8');
  expect(readme).toContain('- Ada Lovelace, Analytical Engines (ORCID 0000-0002-1825-0097)');
  // Without an export section: MIT, the architecture's paper, and a warning that the zoo wants authors.
  const semantic = readYaml(pkgOf(CASES[0]));
  expect(semantic.license).toBe('MIT');
  expect(semantic.cite[0].doi).toBe('10.1007/978-3-319-24574-4_28');
  expect(semantic.authors).toEqual([]);
});

test('--zip writes a zip archive that passes test-model; --config overrides the stored export section; --sample picks the image', () => {
  const c = CASES[0];
  fs.writeFileSync(path.join(dir, 'meta.yaml'), 'export:\n  name: ISBI 2012 membranes\n  authors: [{ name: Grace Hopper }]\n');
  const sample = path.join(f, 'em2d/train/images/10.png');
  const { stdout, stderr } = biaflow(['export', '--model', path.join(runOf(c), 'model'), '--out', 'sem', '--zip', '--config', 'meta.yaml', '--sample', sample], dir);
  expect(stdout).toContain(`wrote ${path.join(dir, 'sem.zip')}`);
  expect(stderr).not.toContain('no authors');
  const r = biaflow(['test-model', 'sem.zip'], dir);
  expect(r.stdout).toContain('PASS  reproduce test outputs (onnx)');
  expect(r.stdout).toContain('PASS  reproduce test outputs (tensorflow_js)');
  const entries = unzipSync(new Uint8Array(fs.readFileSync(path.join(dir, 'sem.zip'))));
  const raw = parse(strFromU8(entries['bioimageio.yaml']));
  expect(raw.name).toBe('ISBI 2012 membranes');
  expect(raw.authors).toEqual([{ name: 'Grace Hopper' }]);
  expect(strFromU8(entries['README.md'])).toContain('centred 64 × 64 box of `10.png`');
});

test("the zoo's own example passes test-model through the CLI", () => {
  const { stdout } = biaflow(['test-model', ZOO_EXAMPLE], dir);
  expect(stdout).toMatch(/^PASS {2}reproduce test outputs \(onnx\): output 'probability' \(float32\) reproduces test_output\.npy: 0 of 262144 values/m);
  expect(stdout).toContain("SKIP  reproduce test outputs (torchscript): no runner for weights format 'torchscript'");
  expect(stdout.trim().split('\n').pop()).toMatch(/^passed: 10 passed, 0 failed, 7 skipped$/);
});

describe('damaged packages fail, naming the cause (exit code 1)', () => {
  test('tampered ONNX weights: the hash check fails and that format is not run', () => {
    const copy = copyOf(CASES[1], 'tampered-onnx');
    const weights = path.join(copy, 'weights.onnx');
    const bytes = fs.readFileSync(weights);
    bytes[bytes.length - 50] ^= 0x5a;
    fs.writeFileSync(weights, bytes);
    const { stdout, stderr } = biaflow(['test-model', copy], dir, 1);
    expect(stdout).toContain(`FAIL  file weights.onnx: sha256 mismatch: weights.onnx hashes to ${sha256(weights)}, weights.onnx.sha256 says ${readYaml(copy).weights.onnx.sha256}`);
    expect(stdout).toContain('SKIP  reproduce test outputs (onnx): not run: weights.onnx.source failed its file check (see above)');
    expect(stdout).toContain('PASS  reproduce test outputs (tensorflow_js)');
    expect(stderr).toContain(`error: ${copy} failed 1 check(s): file weights.onnx`);
  });

  test('tampered TensorFlow.js weights and a test output altered without its hash: each hash check fails', async () => {
    const copy = copyOf(CASES[3], 'tampered-tfjs');
    const weights = path.join(copy, 'tensorflow_js_weights.zip');
    const bytes = fs.readFileSync(weights);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(weights, bytes);
    const file = path.join(copy, 'test_output.npy');
    const out = readNpy(new Uint8Array(fs.readFileSync(file)));
    fs.writeFileSync(file, writeNpy({ data: Float32Array.from(out.data as Float32Array, (v) => 1 - v), shape: out.shape }));
    const { status, stdout, failed } = await testModelReport(copy);
    expect(status).toBe('failed');
    expect(stdout).toMatch(/^FAIL {2}file tensorflow_js_weights\.zip: sha256 mismatch: tensorflow_js_weights\.zip hashes to [0-9a-f]{64}, weights\.tensorflow_js\.sha256 says [0-9a-f]{64}/m);
    expect(stdout).toMatch(/^FAIL {2}file test_output\.npy: sha256 mismatch: test_output\.npy hashes to [0-9a-f]{64}, outputs\[0\]\.test_tensor\.sha256 says [0-9a-f]{64}/m);
    expect(failed).toEqual(['file test_output.npy', 'file tensorflow_js_weights.zip']);
  });

  test('an altered test output with its hash updated: both formats fail to reproduce it', async () => {
    const copy = copyOf(CASES[0], 'altered-output');
    const file = path.join(copy, 'test_output.npy');
    const out = readNpy(new Uint8Array(fs.readFileSync(file)));
    const data = Float32Array.from(out.data as Float32Array, (v, i) => (i % 2 ? v + 0.05 : v));
    fs.writeFileSync(file, writeNpy({ data, shape: out.shape }));
    const raw = readYaml(copy);
    raw.outputs[0].test_tensor.sha256 = sha256(file);
    fs.writeFileSync(path.join(copy, 'bioimageio.yaml'), stringify(raw));
    const { status, stdout, failed } = await testModelReport(copy);
    expect(status).toBe('failed');
    expect(stdout).toContain('PASS  file test_output.npy');
    for (const format of ['onnx', 'tensorflow_js']) {
      expect(stdout).toMatch(new RegExp(`^FAIL {2}reproduce test outputs \\(${format}\\): output 'probabilities' does not reproduce test_output\\.npy: 2048 of 4096 values \\(500000\\.0 per million\\) outside the tolerance`, 'm'));
    }
    expect(failed).toEqual(['reproduce test outputs (tensorflow_js)', 'reproduce test outputs (onnx)']);
  });
});

describe('bad input is refused with a clear message (exit code 2)', () => {
  test('export: a folder that is not a bundle, a missing one, an existing --out, a bad export section, a sample with other channels', async () => {
    let r = biaflow(['export', '--model', path.join(f, 'em2d'), '--out', 'x'], dir, 2);
    expect(r.stderr).toContain(`error: ${path.join(f, 'em2d')}: is not a biaflow model bundle (it needs biaflow.json and model.json)`);
    r = biaflow(['export', '--model', path.join(runOf(CASES[0]), 'model'), '--out', pkgOf(CASES[0])], dir, 2);
    expect(r.stderr).toContain(`error: --out ${pkgOf(CASES[0])} already exists`);
    expect(r.stderr).toContain('hint: pass --overwrite to replace it');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), "export:\n  license: MTI\n  authors: [{ name: X, orcid: '0000-0002-1825-0098' }]\n");
    let e = await rejection(exportModelPackage({ model: path.join(runOf(CASES[0]), 'model'), out: 'bad-pkg', config: 'bad.yaml', cwd: dir }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`invalid configuration in ${path.join(dir, 'bad.yaml')}`);
    expect(e.message).toContain('export.license: is not an SPDX licence identifier the zoo accepts');
    expect(e.message).toContain('export.authors[0].orcid: is not a valid ORCID iD');
    expect(fs.existsSync(path.join(dir, 'bad-pkg'))).toBe(false);
    e = await rejection(exportModelPackage({ model: 'nowhere', out: 'x', cwd: dir }));
    expect([e.exitCode, e.message]).toEqual([2, `${path.join(dir, 'nowhere')}: does not exist`]);
    e = await rejection(exportModelPackage({ model: path.join(runOf(CASES[0]), 'model'), out: 'x', sample: path.join(f, 'cells-classes/test/RBC/RBC_0168.png'), cwd: dir }));
    expect([e.exitCode, e.message]).toEqual([2, `${path.join(f, 'cells-classes/test/RBC/RBC_0168.png')}: has 3 channel(s); the model takes 1`]);
    r = biaflow(['export', '--out', 'x'], dir, 2);
    expect(r.stderr).toContain("required option '--model <dir>' not specified");
  });

  test('test-model: a path that does not exist, a folder without a description, a description that is not YAML', async () => {
    const r = biaflow(['test-model', 'nowhere'], dir, 2);
    expect(r.stderr).toContain(`error: ${path.join(dir, 'nowhere')}: no such file or folder`);
    const empty = path.join(dir, 'empty-package');
    fs.mkdirSync(empty);
    let e = await rejection(testZooPackage(empty));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/empty-package.*bioimageio\.yaml/);
    const broken = path.join(dir, 'broken-yaml');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, 'bioimageio.yaml'), 'name: [unclosed\n');
    e = await rejection(testZooPackage(broken));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/invalid YAML \(line \d+, column \d+\)/);
  });
});

test('--help lists the contributed commands from the manifest; each command documents its options', () => {
  const help = biaflow(['--help'], dir).stdout;
  expect(help).toMatch(/export \[args\.\.\.\]\s+write a trained model as a BioImage Model Zoo/);
  expect(help).toMatch(/test-model \[args\.\.\.\]\s+test a BioImage Model Zoo package/);
  const exportHelp = biaflow(['export', '--help'], dir).stdout;
  for (const o of ['--model <dir>', '--out <path>', '--zip', '--overwrite', '--sample <image>', '--config <file>', '--halo <pixels>']) expect(exportHelp).toContain(o);
});
