import { parity, setUpWasm, tf, TOLERANCE } from './parity';

// Parity with the cpu backend of biaflow's other wasm kernels: pooling and its gradients, slice,
// split, concat, transpose, sum, mean and matMul with transposed operands.

beforeAll(setUpWasm);

describe.each([
  [2, 2, 'valid', [2, 8, 6, 3]],
  [2, 2, 'same', [2, 8, 6, 3]],
  [2, 2, 'valid', [2, 7, 5, 3]], // leftover row and column get no gradient
  [3, 2, 'same', [2, 7, 5, 3]], // overlapping windows: wasm's own kernel
] as const)('maxPool %d stride %d %s on %j', (size, stride, pad, shape) => {
  test('matches the cpu backend', async () => {
    const errors = await parity([[...shape]], (x) => tf.maxPool(x as never, size, stride, pad));
    for (const e of errors) expect(e).toBeLessThan(TOLERANCE);
  });
});

describe.each([
  [2, 2, 'valid', [2, 4, 6, 4, 3]],
  [2, 2, 'same', [2, 4, 6, 4, 3]],
  [2, 2, 'valid', [1, 5, 5, 3, 2]],
  [3, 2, 'same', [1, 5, 5, 3, 2]],
] as const)('maxPool3d %d stride %d %s on %j', (size, stride, pad, shape) => {
  test('matches the cpu backend', async () => {
    const errors = await parity([[...shape]], (x) => tf.maxPool3d(x as never, size, stride, pad));
    for (const e of errors) expect(e).toBeLessThan(TOLERANCE);
  });
});

test('ties in a pooling window send the gradient where the cpu backend does', async () => {
  const f2 = (x: import('@tensorflow/tfjs').Tensor) => tf.maxPool(tf.relu(x) as never, 2, 2, 'valid');
  const f3 = (x: import('@tensorflow/tfjs').Tensor) => tf.maxPool3d(tf.relu(x) as never, 2, 2, 'valid');
  // relu makes many windows all-zero: every element ties.
  for (const e of await parity([[2, 6, 6, 3]], f2)) expect(e).toBeLessThan(TOLERANCE);
  for (const e of await parity([[1, 4, 4, 4, 2]], f3)) expect(e).toBeLessThan(TOLERANCE);
});

test('concat along channels and its split gradient (U-Net skips) match the cpu backend', async () => {
  const errors = await parity([[2, 5, 6, 3], [2, 5, 6, 4]], (a, b) => tf.concat([a, b], 3));
  for (const e of errors) expect(e).toBeLessThan(TOLERANCE);
  const errors3 = await parity([[1, 3, 5, 6, 2], [1, 3, 5, 6, 5]], (a, b) => tf.concat([a, b], -1));
  for (const e of errors3) expect(e).toBeLessThan(TOLERANCE);
  // Runs of ≥ 16 channels are moved with copyWithin.
  const wide = await parity([[2, 3, 4, 16], [2, 3, 4, 20]], (a, b) => tf.concat([a, b], 3));
  for (const e of wide) expect(e).toBeLessThan(TOLERANCE);
});

test('concat along outer axes and slices of every kind match the cpu backend', async () => {
  for (const axis of [0, 1, 2]) {
    for (const e of await parity([[2, 3, 4], [2, 3, 4]], (a, b) => tf.concat([a, b], axis))) expect(e).toBeLessThan(TOLERANCE);
  }
  const slices: [number[], number[]][] = [
    [[0, 1, 1, 0], [2, 3, 4, 5]], // inner box
    [[1, 0, 0, 0], [1, 5, 6, 5]], // one contiguous block
    [[0, 0, 0, 2], [2, 5, 6, 3]], // channel range
    [[0, 2, 0, 0], [2, 1, 6, 5]], // one row of every image
  ];
  for (const [begin, size] of slices) {
    for (const e of await parity([[2, 5, 6, 5]], (x) => tf.slice(x, begin, size))) expect(e).toBeLessThan(TOLERANCE);
  }
});

test('slice and concat keep int32 values exact', async () => {
  await tf.setBackend('wasm');
  const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
  const b = tf.tensor2d([7, 8], [2, 1], 'int32');
  const c = tf.concat([a, b], 1);
  expect(c.dtype).toBe('int32');
  expect(Array.from(await c.data())).toEqual([1, 2, 3, 7, 4, 5, 6, 8]);
  const s = tf.slice(c, [0, 1], [2, 2]);
  expect(Array.from(await s.data())).toEqual([2, 3, 5, 6]);
  tf.dispose([a, b, c, s]);
});

describe.each([
  [[0, 1, 2], false], // bias gradient of a 2D convolution
  [[0, 1, 2, 3], false], // ... of a 3D convolution
  [[0, 1, 2, 3], true], // batch-norm moments keep dims
  [[4], false],
  [[1, 2], true],
  [[0, 2, 4], false],
  [[0, 1, 2, 3, 4], false],
] as const)('sum and mean over axes %j (keepDims %s) of a 5D tensor', (axes, keepDims) => {
  test('match the cpu backend', async () => {
    for (const e of await parity([[2, 3, 4, 5, 6]], (x) => tf.sum(x, [...axes], keepDims))) expect(e).toBeLessThan(TOLERANCE);
    for (const e of await parity([[2, 3, 4, 5, 6]], (x) => tf.mean(x, [...axes], keepDims))) expect(e).toBeLessThan(TOLERANCE);
  });
});

test('5D transposes (merged to fewer axes for wasm) match the cpu backend', async () => {
  for (const perm of [
    [0, 4, 1, 2, 3],
    [1, 2, 3, 0, 4],
    [4, 3, 2, 1, 0],
    [0, 1, 3, 2, 4],
  ]) {
    for (const e of await parity([[2, 3, 4, 5, 6]], (x) => tf.transpose(x, perm))) expect(e).toBeLessThan(TOLERANCE);
  }
});

describe.each([
  [false, false],
  [true, false],
  [false, true],
  [true, true],
])('matMul transposeA %s transposeB %s (dense-layer gradients)', (ta, tb) => {
  test('matches the cpu backend', async () => {
    const a = ta ? [7, 5] : [5, 7];
    const b = tb ? [4, 7] : [7, 4];
    for (const e of await parity([a, b], (x, y) => tf.matMul(x, y, ta, tb))) expect(e).toBeLessThan(TOLERANCE);
    for (const e of await parity([[1, ...a], [1, ...b]], (x, y) => tf.matMul(x, y, ta, tb))) expect(e).toBeLessThan(TOLERANCE);
  });
});

test('a clone shares memory until both are disposed, and memory does not grow', async () => {
  await tf.setBackend('wasm');
  const before = tf.memory().numBytes;
  const a = tf.tensor1d([1, 2, 3]);
  const b = tf.clone(a);
  a.dispose();
  expect(Array.from(await b.data())).toEqual([1, 2, 3]);
  const c = tf.add(b, 1);
  b.dispose();
  expect(Array.from(await c.data())).toEqual([2, 3, 4]);
  c.dispose();
  expect(tf.memory().numBytes).toBe(before);
});

test('a sum written as xᵀ·1 (one output column) matches the cpu backend', async () => {
  for (const e of await parity([[50, 6], [50, 1]], (x, y) => tf.matMul(x, y, true, false))) expect(e).toBeLessThan(TOLERANCE);
});

test('one tensor used as matMul weights both transposed and not gives the right products', async () => {
  // wasm caches XNNPACK's packed weights by tensor id alone; a reinterpreted shape must not reuse them.
  await tf.setBackend('wasm');
  const w = tf.tensor2d([1, 2, 3, 4, 5, 6], [6, 1]);
  const a = tf.ones([5, 1]);
  const c = tf.ones([5, 6]);
  const p1 = tf.matMul(a, w, false, true); // [5,1] × [1,6]
  const p2 = tf.matMul(c, w); // [5,6] × [6,1]
  const p3 = tf.matMul(a, w, false, true);
  expect(Array.from(await p1.data()).slice(0, 6)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(Array.from(await p2.data())).toEqual([21, 21, 21, 21, 21]);
  expect(Array.from(await p3.data())).toEqual(Array.from(await p1.data()));
  tf.dispose([w, a, c, p1, p2, p3]);
});
