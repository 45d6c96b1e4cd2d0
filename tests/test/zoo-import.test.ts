/**
 * @jest-environment ./packages/engine-onnx/test/onnx-environment.js
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { createZip, readNpy } from '@biaflow/bioimageio';
import { readImage, writeImage } from 'biaflow';
import { runOnnxModel } from '@biaflow/engine-onnx';
import { biaflow, repo, tmpdir } from './e2e-helpers';

/**
 * Zoo packages read through `predict --model` (the model format @biaflow/engine-onnx contributes):
 * the zoo's own example (ONNX weights, zero-mean-unit-variance preprocessing, sigmoid
 * postprocessing, a fixed 512×512 input whose output declares a halo of 32) reproduces its test
 * output from its folder, its YAML and its zip; a larger image is tiled with the halo; a biaflow
 * workflow's post-processing turns the probabilities into labels; bad packages stop with exit 2
 * naming the file and field; a package's code is never run.
 */
const ZOO_EXAMPLE = path.join(repo, 'packages/bioimageio/test/fixtures/unet2d_nuclei_broad');
const dir = tmpdir();
const inputDir = path.join(dir, 'in');

const npy = (file: string) => readNpy(new Uint8Array(fs.readFileSync(file)), file);
const testInput = npy(path.join(ZOO_EXAMPLE, 'test_input.npy'));
const testOutput = npy(path.join(ZOO_EXAMPLE, 'test_output.npy'));

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A copy of the zoo example with its description changed by `edit`. */
function editedCopy(name: string, edit: (d: Record<string, any>) => void): string {
  const copy = path.join(dir, name);
  fs.cpSync(ZOO_EXAMPLE, copy, { recursive: true });
  const file = path.join(copy, 'bioimageio.yaml');
  const d = parse(fs.readFileSync(file, 'utf8'));
  edit(d);
  fs.writeFileSync(file, stringify(d));
  return copy;
}

function predictArgs(model: string, out: string, ...more: string[]): string[] {
  return ['predict', '--model', model, '--input', inputDir, '--out', path.join(dir, out), '--log-level', 'warn', '--set', 'system.backend=wasm', ...more];
}

beforeAll(async () => {
  fs.mkdirSync(inputDir);
  // The test input as a float32 TIFF (its [1, 1, 512, 512] bcyx → a YX image).
  await writeImage(path.join(inputDir, 'nuclei.tif'), { data: testInput.data as Float32Array, shape: [512, 512], axes: 'YX', spacing: [null, null] });
});

describe('the zoo example through predict --model', () => {
  test.each([
    ['its folder', () => ZOO_EXAMPLE],
    ['its bioimageio.yaml', () => path.join(ZOO_EXAMPLE, 'bioimageio.yaml')],
    [
      'its zip',
      () => {
        const zip = path.join(dir, 'unet2d.zip');
        const files = new Map(fs.readdirSync(ZOO_EXAMPLE).map((f) => [f, new Uint8Array(fs.readFileSync(path.join(ZOO_EXAMPLE, f)))]));
        fs.writeFileSync(zip, createZip(files));
        return zip;
      },
    ],
  ])('from %s reproduces test_output.npy', async (what, target) => {
    const out = `run-${what.replace(/\W+/g, '-')}`;
    biaflow(predictArgs(target(), out), dir);
    const p = await readImage(path.join(dir, out, 'probabilities/nuclei.tif'));
    expect(p.shape).toEqual([512, 512]);
    // The spec's default tolerance for reproducing a test output is 1e-4 (absolute and relative).
    expect(maxDifference(p.data as Float32Array, testOutput.data as Float32Array)).toBeLessThan(1e-4);
    // Without a biaflow config in the package, its output is read as binary semantic segmentation.
    const labels = await readImage(path.join(dir, out, 'predictions/nuclei.tif'));
    const expected = Array.from(testOutput.data as Float32Array, (v) => (v > 0.5 ? 1 : 0));
    expect(Array.from(labels.data as ArrayLike<number>)).toEqual(expected);
  });

  test('a biaflow workflow post-processes the probabilities into objects (--set problem.type=instance)', async () => {
    biaflow(predictArgs(ZOO_EXAMPLE, 'run-instance', '--set', 'problem.type=instance', '--set', 'instance.channels=B'), dir);
    const labels = await readImage(path.join(dir, 'run-instance/predictions/nuclei.tif'));
    const out = testOutput.data as Float32Array;
    const ids = new Set<number>();
    for (let i = 0; i < out.length; i++) {
      const id = Number(labels.data[i]);
      if (id === 0) continue;
      ids.add(id);
      // Objects grow only into the foreground (probability above foreground_threshold 0.3).
      expect(out[i]).toBeGreaterThan(0.3);
    }
    // The example image holds dozens of nuclei.
    expect(ids.size).toBeGreaterThan(20);
    // Every seed pixel (probability above 0.5) is inside an object, except seeds smaller than min_seed_size.
    let seeds = 0;
    let covered = 0;
    for (let i = 0; i < out.length; i++) {
      if (out[i] > 0.5) {
        seeds++;
        if (Number(labels.data[i]) > 0) covered++;
      }
    }
    expect(covered / seeds).toBeGreaterThan(0.98);
  });

  test('an image larger than the 512×512 input is tiled with the declared halo of 32', async () => {
    // 1000 × 1000: tiles keep 512 − 2·32 = 448 pixels per axis, at 0, 448 and 552.
    const n = 1000;
    const big = new Float32Array(n * n);
    const src = testInput.data as Float32Array;
    const reflect = (i: number) => (i < 512 ? i : 1022 - i);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) big[y * n + x] = src[reflect(y) * 512 + reflect(x)];
    const bigDir = path.join(dir, 'big');
    fs.mkdirSync(bigDir);
    await writeImage(path.join(bigDir, 'big.tif'), { data: big, shape: [n, n], axes: 'YX', spacing: [null, null] });
    biaflow(['predict', '--model', ZOO_EXAMPLE, '--input', bigDir, '--out', path.join(dir, 'run-big'), '--log-level', 'warn'], dir);
    const p = await readImage(path.join(dir, 'run-big/probabilities/big.tif'));
    expect(p.shape).toEqual([n, n]);

    // Expected, computed here: the preprocessing over the whole image, then the network on the
    // middle tile's window [416, 928)² (inside the image), sigmoid; that tile's output survives on
    // [448, 552)² (the next tile overwrites from 552 on).
    let mean = 0;
    for (const v of big) mean += v;
    mean /= big.length;
    let variance = 0;
    for (const v of big) variance += (v - mean) ** 2;
    const std = Math.sqrt(variance / big.length);
    const window = new Float32Array(512 * 512);
    for (let y = 0; y < 512; y++) for (let x = 0; x < 512; x++) window[y * 512 + x] = (big[(416 + y) * n + 416 + x] - mean) / (std + 1e-6);
    const [raw] = await runOnnxModel(new Uint8Array(fs.readFileSync(path.join(ZOO_EXAMPLE, 'weights.onnx'))), [{ data: window, shape: [1, 1, 512, 512] }]);
    let worst = 0;
    for (let y = 448; y < 552; y++) {
      for (let x = 448; x < 552; x++) {
        const expected = 1 / (1 + Math.exp(-(raw.data as Float32Array)[(y - 416) * 512 + (x - 416)]));
        worst = Math.max(worst, Math.abs(expected - (p.data as Float32Array)[y * n + x]));
      }
    }
    expect(worst).toBeLessThan(1e-4);
    // The tiled result is no copy of one corner: the whole image is predicted (values spread over [0, 1]).
    const values = p.data as Float32Array;
    expect(Math.max(...values.subarray(n * 900, n * 901))).toBeGreaterThan(0.5);
  }, 600_000);
});

describe('bad packages stop with exit 2, naming the file and the field', () => {
  test('missing weights', () => {
    const copy = path.join(dir, 'no-weights');
    fs.cpSync(ZOO_EXAMPLE, copy, { recursive: true });
    fs.rmSync(path.join(copy, 'weights.onnx'));
    const { stderr } = biaflow(predictArgs(copy, 'run-bad-1'), dir, 2);
    expect(stderr).toContain(path.join(copy, 'weights.onnx'));
    expect(stderr).toContain('weights.onnx.source');
    expect(stderr).toContain('missing');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  test('a weights file whose sha256 does not match', () => {
    const copy = path.join(dir, 'tampered');
    fs.cpSync(ZOO_EXAMPLE, copy, { recursive: true });
    const file = path.join(copy, 'weights.onnx');
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 10] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const { stderr } = biaflow(predictArgs(copy, 'run-bad-2'), dir, 2);
    expect(stderr).toContain(file);
    expect(stderr).toContain('weights.onnx.sha256');
    expect(stderr).toContain(createHash('sha256').update(bytes).digest('hex'));
  });

  test('an axis type biaflow does not place (time)', () => {
    const copy = editedCopy('time-axis', (d) => {
      d.inputs[0].axes[0] = { type: 'time', size: 1 };
      d.outputs[0].axes[0] = { type: 'time', size: 1 };
    });
    const { stderr } = biaflow(predictArgs(copy, 'run-bad-3'), dir, 2);
    expect(stderr).toContain(path.join(copy, 'bioimageio.yaml'));
    expect(stderr).toContain("inputs[0].axes[0].type: axis type 'time' is not supported");
  });

  test('a processing operation biaflow does not implement', () => {
    const copy = editedCopy('unknown-op', (d) => {
      d.outputs[0].postprocessing.splice(1, 0, { id: 'stardist_postprocessing', kwargs: {} });
    });
    const { stderr } = biaflow(predictArgs(copy, 'run-bad-4'), dir, 2);
    expect(stderr).toContain(path.join(copy, 'bioimageio.yaml'));
    expect(stderr).toContain("outputs[0].postprocessing[1].id: postprocessing operation 'stardist_postprocessing' is not supported");
  });

  test('an input too small for the halo', () => {
    const copy = editedCopy('small-input', (d) => {
      // A 64×64 input cannot keep a pixel after cropping a halo of 32 on each side.
      d.inputs[0].axes[2].size = 64;
      d.inputs[0].axes[3].size = 64;
      delete d.inputs[0].test_tensor.sha256;
    });
    const { stderr } = biaflow(predictArgs(copy, 'run-bad-5'), dir, 2);
    expect(stderr).toContain(path.join(copy, 'bioimageio.yaml'));
    expect(stderr).toMatch(/halo/);
    expect(stderr).toMatch(/outputs\[0\]\.axes\[2\]|inputs\[0\]\.axes/);
  });

  test('a folder that is no model at all', () => {
    const empty = path.join(dir, 'not-a-model');
    fs.mkdirSync(empty);
    const { stderr } = biaflow(predictArgs(empty, 'run-bad-6'), dir, 2);
    expect(stderr).toContain(empty);
    expect(stderr).toContain('bioimageio');
  });
});

test('a package that names a plugin and ships .js files runs none of them', async () => {
  const marker = path.join(dir, 'MARKER');
  const evil = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran');\nmodule.exports = { name: 'evil', version: '1.0.0', core: '^0.1.0', apply() { require('fs').writeFileSync(${JSON.stringify(marker)}, 'applied'); } };\n`;
  const copy = editedCopy('trojan', (d) => {
    d.config = { biaflow: { plugins: ['./evil.js', 'evil-package'], problem: { type: 'semantic' } } };
    d.attachments = [{ source: 'evil.js' }];
  });
  fs.writeFileSync(path.join(copy, 'evil.js'), evil);
  fs.writeFileSync(path.join(copy, 'index.js'), evil);
  fs.writeFileSync(path.join(copy, 'unet2d.py'), 'raise SystemExit(1)\n');
  // A package.json that would make the folder a plugin package, and a node_modules inside the package.
  fs.writeFileSync(path.join(copy, 'package.json'), JSON.stringify({ name: 'evil-package', version: '1.0.0', main: 'evil.js', biaflow: { steps: [] } }));
  fs.mkdirSync(path.join(copy, 'node_modules/evil-package'), { recursive: true });
  fs.writeFileSync(path.join(copy, 'node_modules/evil-package/package.json'), JSON.stringify({ name: 'evil-package', version: '1.0.0', main: '../../evil.js', biaflow: { steps: [] } }));

  biaflow(predictArgs(copy, 'run-trojan'), dir);
  expect(fs.existsSync(marker)).toBe(false);
  const p = await readImage(path.join(dir, 'run-trojan/probabilities/nuclei.tif'));
  expect(maxDifference(p.data as Float32Array, testOutput.data as Float32Array)).toBeLessThan(1e-4);
  // Predicting from inside the package folder changes nothing.
  biaflow(['predict', '--model', '.', '--input', inputDir, '--out', path.join(dir, 'run-trojan-2'), '--log-level', 'warn'], copy);
  expect(fs.existsSync(marker)).toBe(false);
}, 600_000);
