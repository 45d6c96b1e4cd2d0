/** @jest-environment ./packages/engine-onnx/test/onnx-environment.js */
import fs from 'node:fs';
import path from 'node:path';
import { buildModel, loadModel, saveModel } from '@biaflow/engine-tfjs';
import { InputError } from '@biaflow/core/internals';
import { BIAFLOW_METADATA_KEY, createBundlePredictor, decodeModel, loadBundleAsOnnx } from '@biaflow/engine-onnx';
import { maxAbsDiff, randomBatch, randomizeNonKernelWeights, spread, tfjsPredict, tmpdir, useCpu } from './helpers';

beforeAll(useCpu);

describe('a bundle saved with saveModel and reloaded', () => {
  test('converts in memory; ONNX Runtime gives what the reloaded tfjs model predicts, within 1e-4', async () => {
    const dir = path.join(tmpdir(), 'model');
    const built = buildModel({ architecture: 'attention_unet', ndim: 3, inputChannels: 1, outputChannels: 2, outputActivation: 'softmax', featureMaps: [4, 8], zDown: [1], seed: 21 });
    randomizeNonKernelWeights(built, 7);
    await saveModel(dir, built, { channels: ['background', 'cells'], problem: 'semantic' });
    built.dispose();
    const filesBefore = fs.readdirSync(dir).sort();

    const { onnx, meta } = await loadBundleAsOnnx(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(filesBefore);
    expect(meta.architecture).toBe('attention_unet');
    const recorded = JSON.parse(decodeModel(onnx).metadataProps.find((p) => p.key === BIAFLOW_METADATA_KEY)?.value ?? '{}');
    expect(recorded.channels).toEqual(['background', 'cells']);
    expect(recorded.size_divisor).toEqual([1, 2, 2]);

    const loaded = await loadModel(dir);
    const batch = randomBatch([2, 3, 8, 12, 1], 4);
    const expected = await tfjsPredict(loaded.model, batch);
    loaded.dispose();
    const { predictor } = await createBundlePredictor(dir, { threads: 1 });
    const actual = await predictor.predict(batch);
    await predictor.dispose();
    expect(actual.shape).toEqual([2, 3, 8, 12, 2]);
    expect(spread(expected.data)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(actual.data, expected.data)).toBeLessThan(1e-4);
  });

  test('a folder that is not a bundle is an InputError naming biaflow.json', async () => {
    const dir = tmpdir();
    await expect(loadBundleAsOnnx(dir)).rejects.toThrow(InputError);
    await expect(loadBundleAsOnnx(dir)).rejects.toThrow(/biaflow\.json: is missing/);
  });
});
