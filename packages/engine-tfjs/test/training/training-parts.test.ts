import fs from 'node:fs';
import path from 'node:path';
import { cropPatch, EarlyStopping, InMemoryTrainingData, LrSchedule, makeLoss, Optimizer, recoverCheckpoints, type LossSpec, type OptimizerSpec } from '@biaflow/engine-tfjs/internals';
import type { Variable } from '@tensorflow/tfjs';
import { blobs, tf, tmpdir, useWasm } from './helpers';

beforeAll(useWasm);

describe('losses (against values worked out by hand)', () => {
  const loss = (spec: LossSpec, head: 'sigmoid' | 'softmax' | 'linear', y: number[][], p: number[][]) =>
    tf.tidy(() => makeLoss(tf, spec, y[0].length, head)(tf.tensor2d(y), tf.tensor2d(p)).dataSync()[0]);
  // Two pixels, two channels.
  const y = [
    [1, 0],
    [0, 1],
  ];
  const p = [
    [0.8, 0.5],
    [0.3, 0.9],
  ];
  const bce0 = (-Math.log(0.8) - Math.log(0.7)) / 2;
  const bce1 = (-Math.log(0.5) - Math.log(0.9)) / 2;

  test('bce, per channel, with channel weights', () => {
    expect(loss({ type: 'bce' }, 'sigmoid', y, p)).toBeCloseTo((bce0 + bce1) / 2, 5);
    expect(loss({ type: 'bce', channelWeights: [1, 3] }, 'sigmoid', y, p)).toBeCloseTo((bce0 + 3 * bce1) / 4, 5);
  });

  test('cce, with class weights (PyTorch definition)', () => {
    const q = [
      [0.8, 0.2],
      [0.4, 0.6],
    ];
    expect(loss({ type: 'cce' }, 'softmax', y, q)).toBeCloseTo((-Math.log(0.8) - Math.log(0.6)) / 2, 5);
    expect(loss({ type: 'cce', channelWeights: [1, 3] }, 'softmax', y, q)).toBeCloseTo((-Math.log(0.8) - 3 * Math.log(0.6)) / 4, 5);
  });

  test('dice and ce + dice', () => {
    const yy = [[1], [0], [1], [0]];
    const pp = [[0.9], [0.1], [0.8], [0.2]];
    const dice = 1 - (2 * 1.7 + 1) / (2 + 2 + 1);
    expect(loss({ type: 'dice' }, 'sigmoid', yy, pp)).toBeCloseTo(dice, 5);
    const bce = (-Math.log(0.9) * 2 - Math.log(0.8) * 2) / 4;
    expect(loss({ type: 'ce_dice', ceWeight: 0.5, diceWeight: 2 }, 'sigmoid', yy, pp)).toBeCloseTo(0.5 * bce + 2 * dice, 5);
  });

  test('mse and mae', () => {
    expect(loss({ type: 'mse' }, 'linear', y, p)).toBeCloseTo((0.04 + 0.25 + 0.09 + 0.01) / 4, 5);
    expect(loss({ type: 'mae', channelWeights: [0, 1] }, 'linear', y, p)).toBeCloseTo((0.5 + 0.1) / 2, 5);
  });

  test('mismatched channel weights and cce on a sigmoid head are config errors', () => {
    expect(() => makeLoss(tf, { type: 'bce', channelWeights: [1] }, 2, 'sigmoid')).toThrow('train.loss.channel_weights: has 1 values');
    expect(() => makeLoss(tf, { type: 'cce' }, 2, 'sigmoid')).toThrow('train.loss.type');
  });
});

describe('optimizers (against the update rules written out in doubles)', () => {
  const target = [0.5, -1, 2, 0.25];
  /** Minimize Σ (w − target)² from w = 0 (weight of rank 2, so weight decay applies), `n` steps. */
  function run(spec: OptimizerSpec, lr: number, n: number): number[] {
    const w = tf.variable(tf.zeros([2, 2])) as Variable;
    const opt = new Optimizer(tf, spec, [{ name: 'w', variable: w }]);
    const t = tf.tensor2d(target, [2, 2]);
    for (let i = 0; i < n; i++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(w, t))), [w]);
        opt.apply([grads[w.name]], lr);
      });
    }
    const out = Array.from(w.dataSync());
    opt.dispose();
    tf.dispose([w, t]);
    return out;
  }

  function reference(kind: 'adam' | 'adamw' | 'sgd', lr: number, n: number, wd = 0, mu = 0.9): number[] {
    return target.map((tg) => {
      let w = 0;
      let m = 0;
      let v = 0;
      for (let t = 1; t <= n; t++) {
        let g = 2 * (w - tg);
        if (kind !== 'adamw') g += wd * w;
        if (kind === 'sgd') {
          m = mu * m + g;
          w -= lr * m;
          continue;
        }
        if (kind === 'adamw') w *= 1 - lr * wd;
        m = 0.9 * m + 0.1 * g;
        v = 0.999 * v + 0.001 * g * g;
        w -= (lr / (1 - 0.9 ** t)) * (m / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + 1e-8));
      }
      return w;
    });
  }

  const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 4));

  test('adam', () => close(run({ type: 'adam' }, 0.05, 20), reference('adam', 0.05, 20)));
  test('adam with L2 weight decay', () => close(run({ type: 'adam', weightDecay: 0.5 }, 0.05, 20), reference('adam', 0.05, 20, 0.5)));
  test('adamw (decoupled weight decay)', () => {
    const got = run({ type: 'adamw', weightDecay: 0.5 }, 0.05, 20);
    close(got, reference('adamw', 0.05, 20, 0.5));
    expect(Math.abs(got[2] - reference('adam', 0.05, 20, 0.5)[2])).toBeGreaterThan(1e-3);
  });
  test('sgd with momentum', () => close(run({ type: 'sgd', momentum: 0.9, weightDecay: 0.1 }, 0.01, 15), reference('sgd', 0.01, 15, 0.1)));
});

describe('learning-rate schedules and early stopping', () => {
  test('warm-up then cosine decay to min_lr', () => {
    const s = new LrSchedule({ type: 'warmup_cosine', warmupEpochs: 1, minLr: 0.1 }, 1, 10, 5);
    expect(s.lrAt(0, 0)).toBeCloseTo(0.1, 10);
    expect(s.lrAt(0, 9)).toBeCloseTo(1, 10);
    expect(s.lrAt(1, 0)).toBeCloseTo(1, 10);
    expect(s.lrAt(3, 0)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.5)), 10);
    expect(s.lrAt(4, 9)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos((Math.PI * 39) / 40)), 10);
  });

  test('reduce on plateau halves after `patience` epochs without improvement, not below min_lr; state round-trips', () => {
    const s = new LrSchedule({ type: 'reduce_on_plateau', factor: 0.5, patience: 2, minLr: 0.3 }, 1, 10, 100);
    for (const v of [1, 0.9, 0.95, 0.95]) s.endEpoch(v);
    expect(s.lrAt(4, 0)).toBe(0.5);
    const saved = s.save();
    for (const v of [0.95, 0.95]) s.endEpoch(v);
    expect(s.lrAt(6, 0)).toBe(0.3);
    const again = new LrSchedule({ type: 'reduce_on_plateau', factor: 0.5, patience: 2, minLr: 0.3 }, 1, 10, 100);
    again.restore(saved);
    expect(again.lrAt(0, 0)).toBe(0.5);
  });

  test('early stopping after `patience` epochs without improvement; patience 0 never stops', () => {
    const e = new EarlyStopping(2);
    expect(e.update(1, 1)).toEqual({ improved: true, stop: false });
    expect(e.update(2, 1.5)).toEqual({ improved: false, stop: false });
    expect(e.update(3, 1)).toEqual({ improved: false, stop: true });
    expect(e.bestEpoch).toBe(1);
    const never = new EarlyStopping(0);
    never.update(1, 1);
    for (let i = 2; i < 50; i++) expect(never.update(i, 2).stop).toBe(false);
  });
});

describe('in-memory training data', () => {
  test('batch(epoch, step) is a pure function of (seed, epoch, step)', async () => {
    const make = () => blobs.blobData({ seed: 4, spatial: [24, 24], train: 6, val: 0, batchSize: 3, patchSize: [16, 16] });
    const [a, b] = [make(), make()];
    const same = (x: { x: { data: Float32Array } }, y: { x: { data: Float32Array } }) => Buffer.compare(Buffer.from(x.x.data.buffer), Buffer.from(y.x.data.buffer)) === 0;
    expect(same(await b.batch(3, 1), await a.batch(3, 1))).toBe(true);
    await a.batch(0, 0);
    expect(same(await a.batch(3, 1), await b.batch(3, 1))).toBe(true);
    expect(same(await a.batch(3, 1), await a.batch(3, 0))).toBe(false);
    expect(same(await a.batch(3, 1), await a.batch(2, 1))).toBe(false);
    expect((await a.batch(0, 0)).x.shape).toEqual([3, 16, 16, 1]);
  });

  test('every sample once per epoch, in an order that changes between epochs', () => {
    const train = [0, 1, 2, 3, 4, 5].map((i) => ({ image: { data: new Float32Array([i]), shape: [1, 1, 1] }, target: { data: new Float32Array([i]), shape: [1, 1, 1] } }));
    const data = new InMemoryTrainingData({ train, batchSize: 2, seed: 1 });
    expect(data.stepsPerEpoch).toBe(3);
    const epoch = (e: number) => [0, 1, 2].flatMap((s) => Array.from(data.batch(e, s).x.data));
    expect([...epoch(0)].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(epoch(0)).not.toEqual(epoch(1));
  });

  test('patches are cut at the same place from image and target', () => {
    const a = { data: Float32Array.from({ length: 4 * 5 * 2 }, (_, i) => i), shape: [4, 5, 2] };
    const p = cropPatch(a, [1, 2], [2, 3]);
    expect(p.shape).toEqual([2, 3, 2]);
    expect(Array.from(p.data)).toEqual([14, 15, 16, 17, 18, 19, 24, 25, 26, 27, 28, 29]);
  });
});

describe('checkpoint recovery', () => {
  const write = (dir: string, epoch?: number) => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'weights.bin'), '');
    if (epoch !== undefined) fs.writeFileSync(path.join(dir, 'training_state.json'), JSON.stringify({ format_version: 1, epoch }));
  };

  test('a kill between the two renames of a checkpoint swap loses nothing', async () => {
    const dir = path.join(tmpdir(), 'checkpoints');
    write(path.join(dir, '.last.tmp-11-0'), 3); // the new checkpoint, complete
    write(path.join(dir, '.last.tmp-11-1'), 2); // the previous one, moved aside
    write(path.join(dir, '.best.tmp-11-2')); // a best being written, incomplete
    write(path.join(dir, 'best'), 2);
    const actions = await recoverCheckpoints(dir);
    expect(fs.readdirSync(dir).sort()).toEqual(['best', 'last']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'last', 'training_state.json'), 'utf8')).epoch).toBe(3);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'best', 'training_state.json'), 'utf8')).epoch).toBe(2);
    expect(actions[0]).toContain('restored last (epoch 3)');
  });
});

