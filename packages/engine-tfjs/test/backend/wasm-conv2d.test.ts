import { parity, setUpWasm, tf, TOLERANCE } from './parity';

// Gradient parity of biaflow's wasm convolution kernels with the cpu backend: every case checks
// the forward value and the gradients w.r.t. input and filter (Conv2D forward, then
// Conv2DBackpropInput and Conv2DBackpropFilter; for transposed convolutions the roles swap).

beforeAll(setUpWasm);

describe.each([
  [3, 1, 'same'],
  [3, 1, 'valid'],
  [3, 2, 'same'],
  [3, 2, 'valid'],
  [1, 2, 'same'],
  [2, 2, 'valid'],
] as const)('conv2d %dx%d stride %d %s', (size, stride, pad) => {
  test('matches the cpu backend', async () => {
    const errors = await parity([[2, 9, 11, 3], [size, size, 3, 4]], (x, w) => tf.conv2d(x as never, w as never, stride, pad));
    for (const e of errors) expect(e).toBeLessThan(TOLERANCE);
  });
});

describe.each([
  // [kernel, stride, pad, input H×W]: 2×2 stride 2 is the U-Net's upsampling (one matmul).
  [2, 2, 'same', 5, 6],
  [2, 2, 'valid', 5, 6],
  [3, 2, 'same', 5, 6],
  [3, 2, 'valid', 5, 6],
  [3, 1, 'same', 5, 6],
  [3, 1, 'valid', 5, 6],
] as const)('conv2dTranspose %dx%d stride %d %s', (size, stride, pad, h, w) => {
  test('matches the cpu backend', async () => {
    const out = pad === 'same' ? [h * stride, w * stride] : [(h - 1) * stride + size, (w - 1) * stride + size];
    const errors = await parity([[2, h, w, 4], [size, size, 3, 4]], (x, f) =>
      tf.conv2dTranspose(x as never, f as never, [2, out[0], out[1], 3], stride, pad),
    );
    for (const e of errors) expect(e).toBeLessThan(TOLERANCE);
  });
});

test('fused conv2d with bias and relu (what tf.layers.conv2d runs) matches the cpu backend', async () => {
  const errors = await parity([[2, 8, 8, 3], [3, 3, 3, 5], [5]], (x, w, b) =>
    tf.fused.conv2d({ x: x as never, filter: w as never, bias: b, strides: 1, pad: 'same', activation: 'relu' }),
  );
  for (const e of errors) expect(e).toBeLessThan(TOLERANCE);
});
