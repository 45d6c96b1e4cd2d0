import { InMemoryTrainingData, trainModel } from '@biaflow/core/internals';
import { blobs, testConfig, testRun, tf, useWasm } from './helpers';

beforeAll(useWasm);

const head = { outputChannels: 1, outputActivation: 'sigmoid' as const };

describe('the training loop', () => {
  const spatial = [32, 32];
  const tiny = (seed: number, extra: Record<string, unknown> = {}) =>
    testConfig(
      {
        system: { backend: 'wasm', seed },
        model: { feature_maps: [4, 8], dropout: 0.1 },
        train: { epochs: 5, steps_per_epoch: 3, batch_size: 2, lr: 0.005, patience: 0, ...extra },
      },
      spatial,
    );
  const data = (seed: number) => blobs.blobData({ seed, spatial, train: 6, val: 2, batchSize: 2 });

  test('memory is flat: as many tensors after epoch 5 as after epoch 1, and none left after training', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const out = await trainModel({ run: testRun(tiny(2)), data: data(2), head, onEpochEnd: () => void counts.push(tf.memory().numTensors) });
    expect(counts).toHaveLength(5);
    expect(counts[4]).toBe(counts[0]);
    expect(tf.memory().numTensors).toBe(before);
    expect(out.history).toHaveLength(5);
  });

  test('seeded runs give the same losses; another seed gives others', async () => {
    const losses = async (seed: number) => (await trainModel({ run: testRun(tiny(seed)), data: data(seed), head })).history.map((h) => [h.loss, h.val_loss]);
    const a = await losses(3);
    expect(await losses(3)).toEqual(a);
    expect((await losses(4))[0][0]).not.toBe(a[0][0]);
  });

  test('early stopping ends the run after `patience` epochs without improvement', async () => {
    // A learning rate of ~0 cannot improve the validation loss after the first epoch.
    const out = await trainModel({ run: testRun(tiny(5, { lr: 1e-12, patience: 2, epochs: 20 })), data: data(5), head });
    expect(out.stopReason).toBe('early_stopping');
    expect(out.epochs).toBe(3);
  });

  test('model.load starts from a saved bundle: fine-tuning begins where the first run ended', async () => {
    const first = await trainModel({ run: testRun(tiny(6, { epochs: 4 })), data: data(6), head });
    const fresh = await trainModel({ run: testRun(tiny(6, { epochs: 1 })), data: data(6), head });
    const config = tiny(6, { epochs: 1 });
    config.model.load = first.modelDir;
    const tuned = await trainModel({ run: testRun(config), data: data(6), head });
    expect(tuned.history[0].loss).toBeLessThan(fresh.history[0].loss);
    expect(tuned.history[0].loss).toBeLessThan(first.history[0].loss);
  });

  test('a classifier (simple_cnn) learns to tell blob images from noise; val_accuracy is reported', async () => {
    // Class 0: many blobs on noise; class 1: noise only (same background level).
    const sample = (i: number) => {
      const blob = i % 2 === 0;
      const s = blobs.blobSample(8, i, [32, 32], blob ? { blobs: [4, 8], radius: [4, 8] } : { blobs: [0, 0] });
      return { image: s.image, target: { data: Float32Array.from(blob ? [1, 0] : [0, 1]), shape: [2] } };
    };
    const data = new InMemoryTrainingData({
      train: Array.from({ length: 32 }, (_, i) => sample(i)),
      validation: Array.from({ length: 8 }, (_, i) => sample(1000 + i)),
      batchSize: 4,
      seed: 8,
    });
    const config = testConfig(
      { problem: { type: 'classification' }, system: { backend: 'wasm', seed: 8 }, model: { architecture: 'simple_cnn', feature_maps: [4, 8] }, train: { epochs: 8, lr: 0.003, patience: 0 } },
      [32, 32],
    );
    const out = await trainModel({ run: testRun(config), data, head: { outputChannels: 2, outputActivation: 'softmax' } });
    const last = out.history[out.history.length - 1];
    expect(last.loss).toBeLessThan(out.history[0].loss);
    expect(last.val_accuracy).toBeGreaterThanOrEqual(7 / 8);
  });

  test('a diverging run stops with an error naming train.lr, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const config = tiny(9, { optimizer: 'sgd', lr: 1e6, momentum: 0, loss: { type: 'mse' } });
    config.model.normalization = 'none';
    const run = trainModel({ run: testRun(config), data: data(9), head: { outputChannels: 1, outputActivation: 'linear' } });
    await expect(run).rejects.toThrow(/training diverged: the loss is (NaN|Infinity) at epoch 1/);
    await expect(run).rejects.toMatchObject({ hint: expect.stringContaining('train.lr') });
    expect(tf.memory().numTensors).toBe(before);
  });
});
