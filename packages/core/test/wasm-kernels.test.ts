import { loadTf, prepareWasmBackend } from '@biaflow/core';

const tf = loadTf();

/** Gradients of sum(conv2d(x, w) * r) w.r.t. x and w on a backend, as plain arrays. */
async function convGrads(backend: string, xs: number[][], shapes: { x: number[]; w: number[] }, stride: number, pad: 'same' | 'valid') {
  await tf.setBackend(backend);
  const x = tf.tensor4d(xs[0], shapes.x as [number, number, number, number]);
  const w = tf.tensor4d(xs[1], shapes.w as [number, number, number, number]);
  const f = (a: typeof x, b: typeof w) => {
    const y = tf.conv2d(a, b, stride, pad);
    return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
  };
  const [gx, gw] = tf.grads(f as never)([x, w]) as [typeof x, typeof w];
  const out = { gx: await gx.data(), gw: await gw.data() };
  tf.dispose([x, w, gx, gw]);
  return out;
}

function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return err / scale;
}

beforeAll(async () => {
  await prepareWasmBackend(tf);
});

describe.each([
  [1, 'same'],
  [1, 'valid'],
  [2, 'same'],
  [2, 'valid'],
] as const)('wasm conv2d gradients, stride %d, padding %s', (stride, pad) => {
  test('match the cpu backend', async () => {
    const shapes = { x: [2, 9, 11, 3], w: [3, 3, 3, 4] };
    const rand = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.5);
    const inputs = [rand(2 * 9 * 11 * 3, 1), rand(3 * 3 * 3 * 4, 2)];
    const cpu = await convGrads('cpu', inputs, shapes, stride, pad);
    const wasm = await convGrads('wasm', inputs, shapes, stride, pad);
    expect(maxRelError(wasm.gw, cpu.gw)).toBeLessThan(1e-4);
    expect(maxRelError(wasm.gx, cpu.gx)).toBeLessThan(1e-4);
  });
});
