import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NormalizationSettings } from '@biaflow/core';
import { applyStats, ImageNormalizer, measureStats, NormalizationFitter, percentiles, type NormalizationOptions } from '@biaflow/image';
import { buildModel, loadModel, loadTf, saveModel } from '@biaflow/engine-tfjs';
import { predict } from 'biaflow';

const settings = (method: NormalizationOptions['method'], scope: NormalizationOptions['scope'] = 'image'): NormalizationOptions => ({
  method,
  scope,
  percentiles: [1, 99.8],
});

describe('percentiles (numpy "linear" definition)', () => {
  // Expected values printed by numpy.percentile for the same arrays.
  test('float64 data', () => {
    const a = Float64Array.from({ length: 1001 }, (_, i) => (i * 7919) % 1000);
    const got = percentiles(a, [1, 99.8, 50, 0, 100, 33.3]);
    [9.0, 997.0, 499.0, 0.0, 999.0, 331.99999999999994].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 9));
  });
  test('uint16 data (histogram path)', () => {
    const b = Uint16Array.from({ length: 5000 }, (_, i) => (i * 7919) % 65536);
    const got = percentiles(b, [1, 99.8, 50, 2.5]);
    [613.89, 65365.032, 32757.0, 1638.6].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });
  test('float32 data', () => {
    const c = Float32Array.from({ length: 999 }, (_, i) => Math.fround(((i * 7919) % 1000) / 7.0 - 30));
    const got = percentiles(c, [1, 99.8, 50, 2.5]);
    [-28.574285430908205, 112.42914501953125, 41.42856979370117, -26.435714530944825].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
  });
  test('one channel of interleaved data', () => {
    const two = new Float32Array(200);
    for (let i = 0; i < 100; i++) {
      two[2 * i] = i;
      two[2 * i + 1] = 1000 + i;
    }
    expect(percentiles(two, [0, 100], 1, 2)).toEqual([1000, 1099]);
  });
});

describe('normalization', () => {
  test('div uses the dtype maximum', () => {
    const u8 = { data: Uint8Array.from([0, 51, 255]), shape: [1, 3, 1] };
    const out = applyStats(u8, 2, measureStats(settings('div'), u8, 2)).data;
    [0, 0.2, 1].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 6));
    const u16 = { data: Uint16Array.from([0, 65535]), shape: [1, 2, 1] };
    expect(Array.from(applyStats(u16, 2, measureStats(settings('div'), u16, 2)).data)).toEqual([0, 1]);
  });

  test('zscore gives zero mean and unit variance per channel', () => {
    const data = new Uint16Array(2 * 500);
    for (let i = 0; i < 500; i++) {
      data[2 * i] = (i * 37) % 400;
      data[2 * i + 1] = 10000 + ((i * 91) % 50);
    }
    const img = { data, shape: [20, 25, 2] };
    const out = applyStats(img, 2, measureStats(settings('zscore'), img, 2));
    for (const c of [0, 1]) {
      let m = 0;
      let v = 0;
      for (let i = c; i < out.data.length; i += 2) m += out.data[i];
      m /= 500;
      for (let i = c; i < out.data.length; i += 2) v += (out.data[i] - m) ** 2;
      expect(Math.abs(m)).toBeLessThan(1e-5);
      expect(Math.sqrt(v / 500)).toBeCloseTo(1, 4);
    }
  });

  test('percentile clips to the percentiles and scales to [0, 1]', () => {
    const a = Float32Array.from({ length: 1001 }, (_, i) => (i * 7919) % 1000);
    const img = { data: a, shape: [1, 1001, 1] };
    const out = applyStats(img, 2, measureStats(settings('percentile'), img, 2));
    // numpy: p1 = 9, p99.8 = 997
    const idx = Array.from(a).indexOf(500);
    expect(out.data[idx]).toBeCloseTo((500 - 9) / (997 - 9), 6);
    expect(Math.min(...out.data)).toBe(0);
    expect(Math.max(...out.data)).toBe(1);
  });

  test('a constant image is centred, not blown up', () => {
    const img = { data: new Float32Array(16).fill(3), shape: [4, 4, 1] };
    const out = applyStats(img, 2, measureStats(settings('zscore'), img, 2));
    expect(Array.from(out.data).every((v) => v === 0)).toBe(true);
  });

  test('dataset scope pools all training images, and the record survives JSON (the model bundle)', () => {
    const a = { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2, 1] };
    const b = { data: Float32Array.from([10, 20, 30, 40, 50, 60]), shape: [2, 3, 1] };
    const fitter = new NormalizationFitter(settings('zscore', 'dataset'), 2, 2);
    fitter.add(a);
    fitter.add(b);
    const record = JSON.parse(JSON.stringify(fitter.finish()));
    const all = [1, 2, 3, 4, 10, 20, 30, 40, 50, 60];
    const mean = all.reduce((s, v) => s + v, 0) / all.length;
    const std = Math.sqrt(all.reduce((s, v) => s + (v - mean) ** 2, 0) / all.length);
    expect(record.stats.offset[0]).toBeCloseTo(mean, 10);
    expect(record.stats.scale[0]).toBeCloseTo(std, 10);
    const normalizer = new ImageNormalizer(record, 2);
    expect(normalizer.perPatch).toBe(false);
    expect(normalizer.apply(a).data[0]).toBeCloseTo((1 - mean) / std, 6);
  });

  test('div fixes the divisor of the training dtype, so prediction on another dtype divides alike', () => {
    const fitter = new NormalizationFitter(settings('div'), 2, 1);
    fitter.add({ data: new Uint16Array(4), shape: [2, 2, 1] });
    const normalizer = new ImageNormalizer(fitter.finish(), 2);
    const u8 = { data: Uint8Array.from([255]), shape: [1, 1, 1] };
    expect(normalizer.apply(u8).data[0]).toBeCloseTo(255 / 65535, 8);
  });

  test('patch scope measures on whatever array it is given', () => {
    const normalizer = new ImageNormalizer({ version: 1, ...settings('zscore', 'patch') }, 2);
    expect(normalizer.perPatch).toBe(true);
    const p = { data: Float32Array.from([5, 7]), shape: [1, 2, 1] };
    expect(Array.from(normalizer.apply(p).data)).toEqual([-1, 1]);
  });
});

describe('normalization in the model bundle', () => {
  test("the engine's predict applies the stored record exactly as the data pipeline does", async () => {
    const tf = loadTf();
    await tf.setBackend('cpu');
    const model = buildModel({ ndim: 2, inputChannels: 1, outputChannels: 1, outputActivation: 'linear', featureMaps: [4, 8] }, tf);
    const fitter = new NormalizationFitter({ method: 'percentile', scope: 'dataset', percentiles: [1, 99] }, 2, 1);
    const train = { data: Uint16Array.from({ length: 32 * 32 }, (_, i) => 100 + ((i * 7919) % 4000)), shape: [32, 32, 1] };
    fitter.add(train);
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-bundle-')), 'model');
    await saveModel(dir, model, { normalization: fitter.finish() as unknown as NormalizationSettings });
    model.dispose();
    const loaded = await loadModel(dir);
    const image = { data: Uint16Array.from({ length: 16 * 16 }, (_, i) => 50 + ((i * 131) % 5000)), shape: [16, 16, 1] };
    const viaBundle = await predict(loaded, image);
    const normalized = new ImageNormalizer(JSON.parse(fs.readFileSync(path.join(dir, 'biaflow.json'), 'utf8')).normalization, 2).apply(image);
    const direct = await predict(loaded, normalized, { normalize: false });
    loaded.model.dispose();
    expect(Array.from(viaBundle.data)).toEqual(Array.from(direct.data));
    // and the stored statistics are the training set's, not re-measured on the new image
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'biaflow.json'), 'utf8')).normalization;
    expect(stored.stats.low[0]).toBeCloseTo(percentiles(train.data, [1])[0], 6);
  });
});
