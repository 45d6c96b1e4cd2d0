/** @jest-environment ./packages/engine-onnx/test/onnx-environment.js */
import { buildModel } from '@biaflow/engine-tfjs';
import { InputError } from '@biaflow/core/internals';
import { createOnnxPredictor, exportOnnx, type OnnxPredictor } from '@biaflow/engine-onnx';
import { maxAbsDiff, randomBatch, randomizeNonKernelWeights, tfjsPredict, useCpu } from './helpers';

const model = () => buildModel({ architecture: 'unet', ndim: 2, inputChannels: 2, outputChannels: 1, outputActivation: 'sigmoid', featureMaps: [4, 8] });
let onnx: Uint8Array;
let predictor: OnnxPredictor;

beforeAll(async () => {
  await useCpu();
  const m = model();
  onnx = exportOnnx(m);
  m.dispose();
  predictor = await createOnnxPredictor(onnx, { threads: 1 });
});
afterAll(() => predictor.dispose());

describe('createOnnxPredictor', () => {
  test('reports the channels-first shapes with their named axes', () => {
    expect(predictor.inputShape).toEqual(['batch', 2, 'y', 'x']);
    expect(predictor.outputShape).toEqual(['batch', 1, 'y', 'x']);
  });

  test('gives the same output with 2 threads as with 1', async () => {
    const m = model();
    randomizeNonKernelWeights(m, 5);
    const bytes = exportOnnx(m);
    const batch = randomBatch([2, 32, 16, 2], 3);
    const expected = await tfjsPredict(m, batch);
    m.dispose();
    const two = await createOnnxPredictor(bytes, { threads: 2 });
    const out = await two.predict(batch);
    await two.dispose();
    expect(maxAbsDiff(out.data, expected.data)).toBeLessThan(1e-4);
  });

  test('bad batches are InputErrors naming what is wrong', async () => {
    await expect(predictor.predict(randomBatch([1, 8, 8, 3], 1))).rejects.toThrow(/3 channel\(s\) \(last axis of \[1,8,8,3\]\) but the model takes 2/);
    await expect(predictor.predict(randomBatch([8, 8, 2], 1))).rejects.toThrow(/shape \[8,8,2\] but the model takes rank-4 batches/);
    await expect(predictor.predict({ data: new Float32Array(10), shape: [1, 4, 4, 2] })).rejects.toThrow(/holds 10 values but its shape \[1,4,4,2\] needs 32/);
    // The network pools once (size divisor 2): 5 rows come back from upsampling as 4.
    const notDivisible = randomBatch([1, 5, 8, 2], 1);
    await expect(predictor.predict(notDivisible)).rejects.toThrow(InputError);
    await expect(predictor.predict(notDivisible)).rejects.toThrow(/cannot run on a batch of shape \[1,5,8,2\]/);
  });

  test('bytes that are not an ONNX model and bad thread counts are InputErrors', async () => {
    await expect(createOnnxPredictor(new Uint8Array([1, 2, 3, 4, 5]))).rejects.toThrow(/cannot load the ONNX model/);
    await expect(createOnnxPredictor(onnx, { threads: 0 })).rejects.toThrow(/threads must be a positive integer \(got 0\)/);
  });

  test('predict after dispose fails; dispose twice is harmless', async () => {
    const p = await createOnnxPredictor(onnx, { threads: 1 });
    await p.dispose();
    await p.dispose();
    await expect(p.predict(randomBatch([1, 8, 8, 2], 1))).rejects.toThrow(/after dispose/);
  });
});
