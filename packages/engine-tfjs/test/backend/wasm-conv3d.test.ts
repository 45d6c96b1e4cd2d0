import { parity, setUpWasm, tf, TOLERANCE } from './parity';

// Gradient parity of biaflow's wasm 3D convolution kernels (Conv3D, Conv3DBackpropInputV2,
// Conv3DBackpropFilterV2, and the Conv3DBackpropInputV2 gradient tfjs lacks) with the cpu backend.

beforeAll(setUpWasm);

describe.each([
  [3, 1, 'same'],
  [3, 1, 'valid'],
  [3, 2, 'same'],
  [3, 2, 'valid'],
  [1, 2, 'same'],
  [2, 2, 'valid'],
] as const)('conv3d %d³ stride %d %s', (size, stride, pad) => {
  test('matches the cpu backend', async () => {
    const errors = await parity([[2, 5, 6, 7, 2], [size, size, size, 2, 3]], (x, w) => tf.conv3d(x as never, w as never, stride, pad));
    for (const e of errors) expect(e).toBeLessThan(TOLERANCE);
  });
});

describe.each([
  [2, 2, 'same', [3, 4, 5]],
  [2, 2, 'valid', [3, 4, 5]],
  [3, 2, 'same', [3, 4, 5]],
  [3, 2, 'valid', [3, 4, 5]],
  [3, 1, 'same', [3, 4, 5]],
  [3, 1, 'valid', [3, 4, 5]],
] as const)('conv3dTranspose %d³ stride %d %s', (size, stride, pad, dhw) => {
  test('matches the cpu backend', async () => {
    const out = dhw.map((s) => (pad === 'same' ? s * stride : (s - 1) * stride + size));
    const errors = await parity([[2, ...dhw, 3], [size, size, size, 2, 3]], (x, f) =>
      tf.conv3dTranspose(x as never, f as never, [2, out[0], out[1], out[2], 2], stride, pad),
    );
    for (const e of errors) expect(e).toBeLessThan(TOLERANCE);
  });
});
