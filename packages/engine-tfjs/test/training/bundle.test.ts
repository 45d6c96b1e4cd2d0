import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildModel, loadModel, predict, registerNormalizer, saveModel } from '@biaflow/engine-tfjs';
import { InputError, readBundleMeta, type NdArray } from '@biaflow/core/internals';
import { padSpatialEnd, cropSpatial } from '@biaflow/image';
import type { Tensor } from '@tensorflow/tfjs';
import { tf, tmpdir, useWasm } from './helpers';

beforeAll(useWasm);

const seq = (n: number, f = 0.37) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * f));

describe('model bundle', () => {
  test('saveModel writes model.json, weights.bin and biaflow.json; loadModel gives the same predictions', async () => {
    const model = buildModel({ ndim: 2, inputChannels: 2, outputChannels: 3, outputActivation: 'softmax', featureMaps: [4, 8], dropout: 0.2, seed: 5 });
    const dir = path.join(tmpdir(), 'bundle');
    await saveModel(dir, model, { channels: ['background', 'foreground', 'contour'], patchSize: [16, 16], problem: 'semantic', normalization: { method: 'none' } });
    expect(fs.readdirSync(dir).sort()).toEqual(['biaflow.json', 'model.json', 'weights.bin']);
    const meta = await readBundleMeta(dir);
    expect(meta).toMatchObject({
      format: 'biaflow-model',
      architecture: 'unet',
      model: { feature_maps: [4, 8], dropout: 0.2, seed: 5, kernel_size: 3 },
      ndim: 2,
      axes: 'YXC',
      input_channels: 2,
      output_channels: 3,
      output_activation: 'softmax',
      channels: ['background', 'foreground', 'contour'],
      size_divisor: [2, 2],
      patch_size: [16, 16],
      problem: 'semantic',
    });
    expect(meta.versions['@tensorflow/tfjs']).toBe(tf.version.tfjs);

    const image: NdArray = { data: seq(16 * 16 * 2), shape: [16, 16, 2] };
    const before = await predict({ model, meta }, image);
    const loaded = await loadModel(dir);
    const after = await predict(loaded, image);
    expect(after.shape).toEqual([16, 16, 3]);
    expect(Array.from(after.data)).toEqual(Array.from(before.data));
    // softmax over the 3 channels
    expect(after.data[0] + after.data[1] + after.data[2]).toBeCloseTo(1, 5);
    loaded.dispose();
    model.dispose();
  });

  test('saving again replaces the bundle whole (no leftover temporary folders)', async () => {
    const parent = tmpdir();
    const dir = path.join(parent, 'm');
    const model = buildModel({ ndim: 2, inputChannels: 1, outputChannels: 1, outputActivation: 'sigmoid', featureMaps: [2, 4] });
    await saveModel(dir, model);
    await saveModel(dir, model, { channels: ['x'] });
    expect((await readBundleMeta(dir)).channels).toEqual(['x']);
    expect(fs.readdirSync(parent)).toEqual(['m']);
    model.dispose();
  });

  test('predict pads sizes that are not a multiple of 2^(depth-1), crops back, and takes a batch or one image', async () => {
    const model = buildModel({ ndim: 3, inputChannels: 1, outputChannels: 2, outputActivation: 'sigmoid', featureMaps: [2, 4, 4], seed: 1 });
    const meta = { ...(await saveAndRead(model)) };
    const one: NdArray = { data: seq(5 * 9 * 7), shape: [5, 9, 7, 1] };
    const out = await predict({ model, meta }, one);
    expect(out.shape).toEqual([5, 9, 7, 2]);
    // A batch of two gives the same per image, whatever the chunk size.
    const two: NdArray = { data: Float32Array.from([...one.data, ...one.data]), shape: [2, 5, 9, 7, 1] };
    const batch = await predict({ model, meta }, two, { batchSize: 2 });
    expect(batch.shape).toEqual([2, 5, 9, 7, 2]);
    expect(Array.from(batch.data.subarray(0, out.data.length))).toEqual(Array.from(out.data));
    expect(Array.from(batch.data.subarray(out.data.length))).toEqual(Array.from(out.data));
    // The padded prediction's top-left corner equals cropping the prediction of the padded image.
    const padded = padSpatialEnd({ data: one.data as Float32Array, shape: [1, 5, 9, 7, 1] }, [8, 12, 8]);
    const direct = tf.tidy(() => (model.predict(tf.tensor(padded.data, padded.shape)) as Tensor).dataSync());
    const cropped = cropSpatial({ data: Float32Array.from(direct), shape: [1, 8, 12, 8, 2] }, [5, 9, 7]);
    expect(Array.from(cropped.data)).toEqual(Array.from(out.data));
    model.dispose();
  });

  test('predict refuses images of the wrong rank or channel count with an InputError', async () => {
    const model = buildModel({ ndim: 2, inputChannels: 1, outputChannels: 1, outputActivation: 'sigmoid', featureMaps: [2] });
    const meta = await saveAndRead(model);
    await expect(predict({ model, meta }, { data: seq(8 * 8 * 2), shape: [8, 8, 2] })).rejects.toThrow('the image has 2 channel(s)');
    await expect(predict({ model, meta }, { data: seq(64), shape: [64] })).rejects.toBeInstanceOf(InputError);
    model.dispose();
  });

  test('predict applies the normalization registered for the bundle\'s method', async () => {
    registerNormalizer('test_scale', (image, settings) => ({ data: Float32Array.from(image.data, (v) => v * (settings.factor as number)), shape: image.shape }));
    const model = buildModel({ ndim: 2, inputChannels: 1, outputChannels: 1, outputActivation: 'linear', featureMaps: [2], normalization: 'none' });
    const raw: NdArray = { data: Uint8Array.from({ length: 16 }, (_, i) => i * 10), shape: [4, 4, 1] };
    const dir = path.join(tmpdir(), 'n');
    await saveModel(dir, model, { normalization: { method: 'test_scale', factor: 0.01 } });
    const loaded = await loadModel(dir);
    const viaBundle = await predict(loaded, raw);
    const manual = await predict(loaded, { data: Float32Array.from(raw.data, (v) => v * 0.01), shape: raw.shape }, { normalize: false });
    expect(Array.from(viaBundle.data)).toEqual(Array.from(manual.data));
    await saveModel(dir, model, { normalization: { method: 'nobody_registered_this' } });
    const other = await loadModel(dir);
    await expect(predict(other, raw)).rejects.toThrow('normalization method "nobody_registered_this" is not registered');
    [loaded, other].forEach((l) => l.dispose());
    model.dispose();
  });

  test('loading a folder that is not a bundle names the missing file', async () => {
    const dir = tmpdir();
    await expect(loadModel(dir)).rejects.toThrow(`${path.join(dir, 'biaflow.json')}: is missing`);
    fs.writeFileSync(path.join(dir, 'biaflow.json'), JSON.stringify({ format: 'biaflow-model', format_version: 1 }));
    await expect(loadModel(dir)).rejects.toThrow(`${path.join(dir, 'model.json')}: is missing from the model bundle`);
  });

  test('a saved model predicts after a fresh process loads it', async () => {
    const model = buildModel({ architecture: 'resunet', ndim: 2, inputChannels: 1, outputChannels: 1, outputActivation: 'sigmoid', featureMaps: [4, 8], seed: 9 });
    const dir = path.join(tmpdir(), 'fresh');
    await saveModel(dir, model);
    const image = { data: seq(12 * 20, 0.11), shape: [12, 20, 1] };
    const expected = await predict({ model, meta: await readBundleMeta(dir) }, image);
    model.dispose();
    const input = path.join(dir, '..', 'image.f32');
    const output = path.join(dir, '..', 'prediction.f32');
    fs.writeFileSync(input, Buffer.from(image.data.buffer));
    const script = `
      const core = require('@biaflow/engine-tfjs/internals');
      const fs = require('fs');
      (async () => {
        await core.selectBackend(core.loadTf(), 'wasm');
        const loaded = await core.loadModel(${JSON.stringify(dir)});
        const b = fs.readFileSync(${JSON.stringify(input)});
        const data = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
        const out = await core.predict(loaded, { data, shape: [12, 20, 1] });
        fs.writeFileSync(${JSON.stringify(output)}, Buffer.from(out.data.buffer));
        console.log(JSON.stringify(out.shape));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: __dirname, encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    expect(JSON.parse(r.stdout.trim())).toEqual([12, 20, 1]);
    const b = fs.readFileSync(output);
    const got = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    expect(Array.from(got)).toEqual(Array.from(expected.data));
  });
});

async function saveAndRead(model: Parameters<typeof saveModel>[1]) {
  const dir = path.join(tmpdir(), 'b');
  await saveModel(dir, model);
  return readBundleMeta(dir);
}
