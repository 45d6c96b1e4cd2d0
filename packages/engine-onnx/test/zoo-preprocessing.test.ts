import path from 'node:path';
import { applyProcessing, bundledSchemaValidator, type NdArray } from '@biaflow/bioimageio';
import type { BundleMeta } from '@biaflow/core/internals';
import { ImageNormalizer, NormalizationFitter, toModelLayout, type NormalizationRecord } from '@biaflow/image';
import { readImage } from 'biaflow';
import { describeModel, spatialRules, zooPreprocessing, exportSection } from '@biaflow/engine-onnx';

/**
 * The zoo preprocessing written into a package reproduces biaflow's own normalization (core's
 * ImageNormalizer, the code prediction runs) on real images, for every method and scope, in one
 * and three channels; and every variant is valid against the zoo's JSON schema.
 */
const real = path.resolve(__dirname, '../../../tests/fixtures/real');
const NUCLEI = [path.join(real, 'nuclei2d/train/images/0280fa8f60f6.tif'), path.join(real, 'nuclei2d/train/images/06c779330d6d.tif')];
const NUCLEI_TEST = path.join(real, 'nuclei2d/test/images/003cee89357d.tif');
const CELLS = [path.join(real, 'cells-classes/train/RBC/RBC_0162.png'), path.join(real, 'cells-classes/train/WBC/WBC_0032.png')];
const CELLS_TEST = path.join(real, 'cells-classes/test/WBC/WBC_0049.png');

async function modelLayout(file: string): Promise<NdArray> {
  const x = toModelLayout(await readImage(file), 2, file);
  return x.shape.length === 2 ? { data: x.data, shape: [...x.shape, 1] } : x;
}

/** `[y, x, c]` → `[1, c, y, x]` float32, as a package's test input is stored. */
function packageLayout(x: NdArray): NdArray {
  const [h, w, c] = x.shape;
  const out = new Float32Array(h * w * c);
  for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) out[k * h * w + i] = Number(x.data[i * c + k]);
  return { data: out, shape: [1, c, h, w] };
}

function fromPackageLayout(t: NdArray): Float32Array {
  const [, c, h, w] = t.shape;
  const out = new Float32Array(h * w * c);
  for (let i = 0; i < h * w; i++) for (let k = 0; k < c; k++) out[i * c + k] = Number(t.data[k * h * w + i]);
  return out;
}

async function record(method: NormalizationRecord['method'], scope: NormalizationRecord['scope'], training: string[]): Promise<NormalizationRecord> {
  const fitter = new NormalizationFitter({ method, scope, percentiles: [1, 99.8] }, 2, training.length);
  for (const f of training) fitter.add(await modelLayout(f));
  return fitter.finish();
}

const CASES: [string, NormalizationRecord['method'], NormalizationRecord['scope'], string[], string][] = [
  ['div (uint8 → /255)', 'div', 'image', NUCLEI, NUCLEI_TEST],
  ['zscore per image', 'zscore', 'image', NUCLEI, NUCLEI_TEST],
  ['percentile per image', 'percentile', 'image', NUCLEI, NUCLEI_TEST],
  ['zscore over the training set', 'zscore', 'dataset', NUCLEI, NUCLEI_TEST],
  ['percentile over the training set', 'percentile', 'dataset', NUCLEI, NUCLEI_TEST],
  ['zscore per image, RGB', 'zscore', 'image', CELLS, CELLS_TEST],
  ['percentile per image, RGB', 'percentile', 'image', CELLS, CELLS_TEST],
  ['zscore over the training set, RGB (per-channel lists)', 'zscore', 'dataset', CELLS, CELLS_TEST],
  ['percentile over the training set, RGB (per-channel lists)', 'percentile', 'dataset', CELLS, CELLS_TEST],
  ['none', 'none', 'image', NUCLEI, NUCLEI_TEST],
];

test.each(CASES)('%s: the package preprocessing gives biaflow\'s normalized values', async (_name, method, scope, training, testImage) => {
  const r = await record(method, scope, training);
  const x = await modelLayout(testImage);
  const expected = new ImageNormalizer(r, 2).apply(x).data;
  const { steps, notes } = zooPreprocessing(r, ['y', 'x']);
  expect(notes).toEqual([]);
  const actual = fromPackageLayout(applyProcessing(packageLayout(x), ['batch', 'channel', 'y', 'x'], steps.map((s) => ({ id: s.id, kwargs: s.kwargs ?? {} })), { field: 'inputs[0].preprocessing' }));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  // The zoo's eps (1e-6 added to the std or range) is the only difference from biaflow's arithmetic.
  expect(worst).toBeLessThan(2e-6);
  // Not a vacuous comparison: the values were transformed (except by `none`).
  const rawMax = Math.max(...Array.from(x.data as Uint8Array).slice(0, 4096));
  if (method === 'none') expect(Math.max(...expected.slice(0, 4096))).toBe(rawMax);
  else expect(Math.max(...expected.slice(0, 4096))).toBeLessThan(rawMax / 10);
});

test('the step ids follow the normalization: scale_linear, zero_mean_unit_variance, scale_range + clip, fixed_zero_mean_unit_variance', async () => {
  const ids = async (m: NormalizationRecord['method'], s: NormalizationRecord['scope']) => zooPreprocessing(await record(m, s, NUCLEI), ['y', 'x']).steps.map((x) => x.id);
  expect(await ids('div', 'image')).toEqual(['ensure_dtype', 'scale_linear', 'ensure_dtype']);
  expect(await ids('zscore', 'image')).toEqual(['ensure_dtype', 'zero_mean_unit_variance', 'ensure_dtype']);
  expect(await ids('percentile', 'image')).toEqual(['ensure_dtype', 'scale_range', 'clip', 'ensure_dtype']);
  expect(await ids('zscore', 'dataset')).toEqual(['ensure_dtype', 'fixed_zero_mean_unit_variance', 'ensure_dtype']);
  expect(await ids('percentile', 'dataset')).toEqual(['ensure_dtype', 'fixed_zero_mean_unit_variance', 'clip', 'ensure_dtype']);
  const pct = zooPreprocessing(await record('percentile', 'image', NUCLEI), ['y', 'x']).steps[1];
  expect(pct.kwargs).toEqual({ axes: ['y', 'x'], min_percentile: 1, max_percentile: 99.8, eps: 1e-6 });
});

test('patch scope has no zoo equivalent: whole-input statistics, and a note saying so', async () => {
  const r = await record('zscore', 'patch', NUCLEI);
  const { steps, notes } = zooPreprocessing(r, ['y', 'x']);
  expect(steps[1]).toEqual({ id: 'zero_mean_unit_variance', kwargs: { axes: ['y', 'x'], eps: 1e-6 } });
  expect(notes).toHaveLength(1);
  expect(notes[0]).toMatch(/scope "patch"/);
});

const META = {
  format: 'biaflow-model',
  format_version: 1,
  architecture: 'unet',
  model: { architecture: 'unet', feature_maps: [8, 16], normalization: 'none', activation: 'elu', dropout: 0, kernel_size: 3, upsampling: 'transpose', z_down: [], seed: 0 },
  ndim: 2,
  axes: 'YXC',
  input_channels: 3,
  output_channels: 2,
  output_activation: 'sigmoid',
  channels: ['foreground', 'contour'],
  input_channel_names: ['red', 'green', 'blue'],
  size_divisor: [2, 2],
  patch_size: [64, 64],
  problem: 'instance',
  normalization: null,
  config: null,
  training: null,
  versions: {},
  created: '2025-01-01T00:00:00.000Z',
} as unknown as BundleMeta;

test.each(CASES.filter((c) => c[1] !== 'none'))('%s: the description with this preprocessing is valid against the zoo schema', async (_name, method, scope, training) => {
  const r = await record(method, scope, training);
  const channels = (await modelLayout(training[0])).shape[2];
  const meta = { ...META, input_channels: channels, input_channel_names: [] } as BundleMeta;
  const raw = describeModel({
    meta,
    classifier: false,
    settings: exportSection.parse({}),
    rules: spatialRules(meta, false),
    preprocessing: zooPreprocessing(r, ['y', 'x']).steps,
    biaflow: {},
    versions: { engineOnnx: '0.1.0', tfjs: '4.22.0', opset: 17 },
    timestamp: '2025-01-01T00:00:00.000Z',
  });
  expect(bundledSchemaValidator().validate({ ...raw, type: 'model', format_version: '0.5.7' })).toEqual([]);
});
