import type { Tensor } from '@tensorflow/tfjs';
import { loadTf, tfPredictor } from '@biaflow/engine-tfjs';
import { ImageNormalizer, planAxis, predictImage, predictTiled, reflectIndex, type NdArray } from '@biaflow/image';

/** Deterministic pseudo-random values in [0, 1) (test-side, independent of core's Rng). */
function noise(n: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = s / 2147483648;
  }
  return out;
}

const identity = async (batch: NdArray) => ({ data: Float32Array.from(batch.data), shape: [...batch.shape] });

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('reflect indices', () => {
  test('match numpy.pad(mode="reflect"), also for pads longer than the axis', () => {
    // np.pad([1,2,3], 5, 'reflect') -> [2 1 2 3 2 1 2 3 2 1 2 3 2]
    const values = [1, 2, 3];
    const padded = Array.from({ length: 13 }, (_, i) => values[reflectIndex(i - 5, 3)]);
    expect(padded).toEqual([2, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2]);
    // np.pad([1,2], 4, 'reflect') -> [1 2 1 2 1 2 1 2 1 2]
    expect(Array.from({ length: 10 }, (_, i) => [1, 2][reflectIndex(i - 4, 2)])).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    // np.pad([7], 3, 'reflect') -> [7 7 7 7 7 7 7]
    expect(Array.from({ length: 7 }, (_, i) => reflectIndex(i - 3, 1))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('predictTiled', () => {
  test.each([
    ['2D odd size, several tiles', [37, 53, 2], [16, 16], 0.25, 2],
    ['2D smaller than a patch', [5, 7, 1], [16, 16], 0.5, 0],
    ['2D one side smaller than a patch', [3, 41, 1], [8, 8], 0.25, 1],
    ['3D odd size', [9, 21, 19, 1], [4, 8, 8], 0.25, 1],
    ['3D smaller than a patch', [3, 5, 6, 2], [8, 16, 16], 0.5, 2],
  ])('an identity model reproduces the input: %s', async (_name, shape, patchSize, overlap, padding) => {
    const data = noise(shape.reduce((a, b) => a * b, 1));
    const out = await predictTiled({ data, shape }, identity, { patchSize, overlap, padding, batchSize: 3 });
    expect(out.shape).toEqual(shape);
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(maxAbsDiff(out.data, data)).toBeLessThan(1e-5);
  });

  test('uint16 input comes out as float32 with the same values', async () => {
    const data = Uint16Array.from({ length: 23 * 31 }, (_, i) => (i * 7919) % 65536);
    const out = await predictTiled({ data, shape: [23, 31, 1] }, identity, { patchSize: [8, 8], overlap: 0.5 });
    expect(maxAbsDiff(out.data, data)).toBeLessThan(1e-5 * 65535);
  });

  test('with padding ≥ the receptive field, a local filter tiled equals the filter on the whole (reflect-padded) image', async () => {
    const [H, W] = [29, 34];
    const data = noise(H * W, 7);
    // Reference: 3×3 mean with numpy-reflect borders on the whole image, written independently here.
    const refl = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
    const expected = new Float32Array(H * W);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += data[refl(y + dy, H) * W + refl(x + dx, W)];
        expected[y * W + x] = s / 9;
      }
    // The "model": the same 3×3 mean inside each patch (values at the patch rim are wrong, like a real network's).
    const meanFilter = async (batch: NdArray) => {
      const [b, h, w] = batch.shape;
      const out = new Float32Array(batch.data.length);
      for (let t = 0; t < b; t++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            let s = 0;
            for (let dy = -1; dy <= 1; dy++)
              for (let dx = -1; dx <= 1; dx++) {
                const yy = Math.min(h - 1, Math.max(0, y + dy));
                const xx = Math.min(w - 1, Math.max(0, x + dx));
                s += batch.data[t * h * w + yy * w + xx];
              }
            out[t * h * w + y * w + x] = s / 9;
          }
      return { data: out, shape: [...batch.shape] };
    };
    const out = await predictTiled({ data, shape: [H, W, 1] }, meanFilter, { patchSize: [12, 12], overlap: 0.25, padding: 1, batchSize: 4 });
    expect(maxAbsDiff(out.data, expected)).toBeLessThan(1e-5);
  });

  test('tiles are predicted a batch at a time, never more than batchSize at once', async () => {
    const sizes: number[] = [];
    const spy = async (batch: NdArray) => {
      sizes.push(batch.shape[0]);
      return identity(batch);
    };
    await predictTiled({ data: noise(50 * 50), shape: [50, 50, 1] }, spy, { patchSize: [16, 16], overlap: 0.25, batchSize: 4 });
    const plan = planAxis(50, 16, 0.25, 0);
    const tiles = plan.starts.length ** 2;
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(tiles);
    expect(Math.max(...sizes)).toBe(4);
    expect(sizes.length).toBe(Math.ceil(tiles / 4));
  });

  test('blending leaves no seam: a model with a different bias per tile gives a smooth output inside overlaps', async () => {
    // Each tile adds its own constant: hard stitching would jump by up to the bias difference at a tile edge.
    let k = 0;
    const biased = async (batch: NdArray) => {
      const out = Float32Array.from(batch.data);
      const per = out.length / batch.shape[0];
      for (let t = 0; t < batch.shape[0]; t++) {
        const bias = (k++ % 2) * 1.0;
        for (let i = 0; i < per; i++) out[t * per + i] += bias;
      }
      return { data: out, shape: [...batch.shape] };
    };
    const W = 64;
    const out = await predictTiled({ data: new Float32Array(W), shape: [1, W, 1] }, biased, { patchSize: [1, 16], overlap: 0.5 });
    let maxStep = 0;
    for (let x = 1; x < W; x++) maxStep = Math.max(maxStep, Math.abs(out.data[x] - out.data[x - 1]));
    // A bias of 1 cross-faded over an 8-pixel overlap changes by at most 1/8 + rounding per pixel.
    expect(maxStep).toBeLessThan(0.2);
  });

  test('a model returning the wrong shape is reported clearly', async () => {
    const bad = async (batch: NdArray) => ({ data: new Float32Array(4), shape: [batch.shape[0], 2, 2, 1] });
    await expect(predictTiled({ data: noise(100), shape: [10, 10, 1] }, bad, { patchSize: [8, 8] })).rejects.toThrow(/returned shape \[1, 2, 2, 1\]/);
  });
});

describe('predictImage', () => {
  const image = { data: Uint16Array.from({ length: 30 * 41 }, (_, i) => 1000 + ((i * 7919) % 3001)), shape: [30, 41, 1] };

  test('normalizes tile by tile exactly as the whole image would be (image scope)', async () => {
    const record = { version: 1 as const, method: 'percentile' as const, scope: 'image' as const, percentiles: [1, 99] as [number, number] };
    const out = await predictImage(image, identity, { patchSize: [16, 16], overlap: 0.25, batchSize: 2, normalization: record });
    const expected = new ImageNormalizer(record, 2).apply(image);
    expect(maxAbsDiff(out.data, expected.data)).toBeLessThan(1e-5);
  });

  test('patch scope normalizes each tile on its own', async () => {
    const record = { version: 1 as const, method: 'zscore' as const, scope: 'patch' as const, percentiles: [1, 99.8] as [number, number] };
    const means: number[] = [];
    const spy = async (batch: NdArray) => {
      const per = batch.data.length / batch.shape[0];
      for (let t = 0; t < batch.shape[0]; t++) {
        let m = 0;
        for (let i = 0; i < per; i++) m += batch.data[t * per + i];
        means.push(m / per);
      }
      return identity(batch);
    };
    await predictImage(image, spy, { patchSize: [16, 16], normalization: record });
    expect(means.length).toBeGreaterThan(4);
    for (const m of means) expect(Math.abs(m)).toBeLessThan(1e-4);
  });

  test('tfPredictor runs a tfjs model and leaks no tensor', async () => {
    const tf = loadTf();
    await tf.setBackend('cpu');
    const model = { predict: (x: Tensor) => tf.mul(x, 2) as Tensor };
    const record = { version: 1 as const, method: 'none' as const, scope: 'image' as const, percentiles: [1, 99.8] as [number, number] };
    const before = tf.memory().numTensors;
    const out = await predictImage(image, tfPredictor(tf, model), { patchSize: [16, 16], batchSize: 3, normalization: record });
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(out.data, Float32Array.from(image.data, (v) => 2 * v))).toBeLessThan(1e-2);
  });
});
