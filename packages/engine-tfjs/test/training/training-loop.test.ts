import fs from 'node:fs';
import path from 'node:path';
import { InMemoryTrainingData } from '@biaflow/engine-tfjs/internals';
import { type TrainingData } from '@biaflow/core/internals';
import { blobs, testConfig, testRun, tf, useWasm, train } from './helpers';

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
    const out = await train({ run: testRun(tiny(2)), data: data(2), head, onEpochEnd: () => void counts.push(tf.memory().numTensors) });
    expect(counts).toHaveLength(5);
    expect(counts[4]).toBe(counts[0]);
    expect(tf.memory().numTensors).toBe(before);
    expect(out.history).toHaveLength(5);
  });

  test('seeded runs give the same losses; another seed gives others', async () => {
    const losses = async (seed: number) => (await train({ run: testRun(tiny(seed)), data: data(seed), head })).history.map((h) => [h.loss, h.val_loss]);
    const a = await losses(3);
    expect(await losses(3)).toEqual(a);
    expect((await losses(4))[0][0]).not.toBe(a[0][0]);
  });

  test('early stopping ends the run after `patience` epochs without improvement', async () => {
    // A learning rate of ~0 cannot improve the validation loss after the first epoch.
    const out = await train({ run: testRun(tiny(5, { lr: 1e-12, patience: 2, epochs: 20 })), data: data(5), head });
    expect(out.stopReason).toBe('early_stopping');
    expect(out.epochs).toBe(3);
  });

  test('model.load starts from a saved bundle: fine-tuning begins where the first run ended', async () => {
    const first = await train({ run: testRun(tiny(6, { epochs: 4 })), data: data(6), head });
    const fresh = await train({ run: testRun(tiny(6, { epochs: 1 })), data: data(6), head });
    const config = tiny(6, { epochs: 1 });
    config.model.load = first.modelDir;
    const tuned = await train({ run: testRun(config), data: data(6), head });
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
    const out = await train({ run: testRun(config), data, head: { outputChannels: 2, outputActivation: 'softmax' } });
    const last = out.history[out.history.length - 1];
    expect(last.loss).toBeLessThan(out.history[0].loss);
    expect(last.val_accuracy).toBeGreaterThanOrEqual(7 / 8);
  });

  test('a diverging run stops with an error naming train.lr, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const config = tiny(9, { optimizer: 'sgd', lr: 1e6, momentum: 0, loss: { type: 'mse' } });
    config.model.normalization = 'none';
    const run = train({ run: testRun(config), data: data(9), head: { outputChannels: 1, outputActivation: 'linear' } });
    await expect(run).rejects.toThrow(/training diverged at epoch 1, step \d+ of \d+: the loss is (NaN|Infinity|-?[\d.e+]+ but the weights are no longer finite)/);
    await expect(run).rejects.toMatchObject({ hint: expect.stringContaining('train.lr') });
    expect(tf.memory().numTensors).toBe(before);
  });

  test('a NaN validation loss stops training after epoch 2 (exit 1), before that epoch\'s checkpoint: last and best stay at epoch 1', async () => {
    // Validation targets turn NaN from the second validation on (a preprocess tap gone wrong, say).
    const good = data(10);
    let validations = 0;
    const spoilt: TrainingData = {
      stepsPerEpoch: good.stepsPerEpoch,
      batch: (epoch, step) => good.batch(epoch, step),
      async *validation() {
        validations++;
        for await (const b of good.validation!()) {
          yield validations === 1 ? b : { ...b, y: { data: new Float32Array(b.y.data.length).fill(NaN), shape: b.y.shape } };
        }
      },
    };
    const run = testRun(tiny(10, { epochs: 4 }));
    const error = await train({ run, data: spoilt, head }).catch((e) => e);
    expect(error.message).toContain('training diverged at epoch 2, while validating: the validation loss is NaN');
    expect(error.message).toContain('checkpoints/last (epoch 1) is kept');
    expect(error.exitCode).toBe(1);
    for (const name of ['last', 'best']) {
      expect(JSON.parse(fs.readFileSync(path.join(run.runDir, 'checkpoints', name, 'training_state.json'), 'utf8')).epoch).toBe(1);
    }
  });
});
