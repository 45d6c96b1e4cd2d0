import { relError, setUpWasm, tf, TOLERANCE, values } from './parity';

// Every layer the built-in models use (U-Net family with batch norm, ELU, dropout, residual
// additions, squeeze-and-excitation and attention gates; the classification CNN/ResNet), in 2D
// and 3D, trained one step on wasm: the gradient of every weight must match the cpu backend's.
// This also proves none of them is missing on wasm (tfjs would throw, not fall back).

type SymbolicTensor = import('@tensorflow/tfjs').SymbolicTensor;
type LayersModel = import('@tensorflow/tfjs').LayersModel;
const L = tf.layers;

beforeAll(setUpWasm);

function kit(dims: 2 | 3) {
  const d = dims === 2;
  return {
    conv: (f: number, k: number, o: Record<string, unknown> = {}) =>
      (d ? L.conv2d : L.conv3d)({ filters: f, kernelSize: k, padding: 'same', ...o }),
    up: (f: number) => (d ? L.conv2dTranspose : L.conv3dTranspose)({ filters: f, kernelSize: 2, strides: 2, padding: 'same' }),
    pool: () => (d ? L.maxPooling2d : L.maxPooling3d)({ poolSize: 2 }),
    avgPool: () => (d ? L.averagePooling2d : L.averagePooling3d)({ poolSize: 2 }),
    // tf.layers has no 3D global pooling: flatten the volume, then pool in 1D (a Mean either way).
    gap: () => ({
      apply: (x: SymbolicTensor) =>
        d
          ? L.globalAveragePooling2d({}).apply(x)
          : L.globalAveragePooling1d({}).apply(L.reshape({ targetShape: [-1, x.shape[x.shape.length - 1] as number] }).apply(x)),
    }),
    unitShape: (c: number) => (d ? [1, 1, c] : [1, 1, 1, c]),
    // tf.layers' batch norm stops at rank 4. Per-channel statistics over all other axes are the
    // same with depth and height merged, so 3D models normalize [D·H, W, C].
    batchNorm: () => ({
      apply: (x: SymbolicTensor) => {
        if (d) return L.batchNormalization({}).apply(x);
        const [, D, H, W, C] = x.shape as number[];
        const flat = L.reshape({ targetShape: [D * H, W, C] }).apply(x);
        return L.reshape({ targetShape: [D, H, W, C] }).apply(L.batchNormalization({}).apply(flat));
      },
    }),
  };
}

/** Conv → batch norm → ELU → dropout, a residual addition, squeeze-and-excitation, an attention gate. */
function segmentationNet(dims: 2 | 3, size: number): LayersModel {
  const k = kit(dims);
  const input = tf.input({ shape: [...new Array(dims).fill(size), 2] });
  const block = (x: SymbolicTensor, f: number) => {
    let y = k.conv(f, 3, { useBias: false }).apply(x) as SymbolicTensor;
    y = k.batchNorm().apply(y) as SymbolicTensor;
    y = L.elu({}).apply(y) as SymbolicTensor;
    y = L.dropout({ rate: 0.2, seed: 7 }).apply(y) as SymbolicTensor;
    y = k.conv(f, 3, { activation: 'relu' }).apply(y) as SymbolicTensor;
    const shortcut = k.conv(f, 1).apply(x) as SymbolicTensor;
    return L.add().apply([y, shortcut]) as SymbolicTensor;
  };
  const se = (x: SymbolicTensor, f: number) => {
    let s = k.gap().apply(x) as SymbolicTensor;
    s = L.dense({ units: Math.max(1, f / 2), activation: 'relu' }).apply(s) as SymbolicTensor;
    s = L.dense({ units: f, activation: 'sigmoid' }).apply(s) as SymbolicTensor;
    s = L.reshape({ targetShape: k.unitShape(f) }).apply(s) as SymbolicTensor;
    return L.multiply().apply([x, s]) as SymbolicTensor;
  };
  const e0 = block(input, 4);
  const e1 = se(block(k.pool().apply(e0) as SymbolicTensor, 8), 8);
  const u = k.up(4).apply(e1) as SymbolicTensor;
  // Attention gate: 1×1 convolutions of skip and gating signal, added, ReLU, 1×1 to one channel, sigmoid.
  const theta = k.conv(4, 1).apply(e0) as SymbolicTensor;
  const phi = k.conv(4, 1).apply(u) as SymbolicTensor;
  const act = L.activation({ activation: 'relu' }).apply(L.add().apply([theta, phi])) as SymbolicTensor;
  const alpha = k.conv(1, 1, { activation: 'sigmoid' }).apply(act) as SymbolicTensor;
  const gated = L.multiply().apply([e0, L.concatenate().apply(new Array(4).fill(alpha)) as SymbolicTensor]) as SymbolicTensor;
  const d0 = block(L.concatenate().apply([u, gated]) as SymbolicTensor, 4);
  const out = k.conv(2, 1, { activation: 'softmax' }).apply(d0) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** A small ResNet-style classifier: strided convolutions, batch norm, pooling, global pooling, dense, softmax. */
function classificationNet(dims: 2 | 3, size: number): LayersModel {
  const k = kit(dims);
  const input = tf.input({ shape: [...new Array(dims).fill(size), 1] });
  // No bias before batch norm: its gradient is zero up to rounding, so no relative error is meaningful.
  let x = k.conv(4, 3, { strides: 2, useBias: false }).apply(input) as SymbolicTensor;
  x = k.batchNorm().apply(x) as SymbolicTensor;
  x = L.reLU({}).apply(x) as SymbolicTensor;
  const y = k.conv(4, 3, { activation: 'relu' }).apply(x) as SymbolicTensor;
  x = L.add().apply([x, y]) as SymbolicTensor;
  x = k.avgPool().apply(x) as SymbolicTensor;
  x = k.conv(6, 3, { strides: 2, padding: 'valid' }).apply(x) as SymbolicTensor;
  x = L.leakyReLU({ alpha: 0.1 }).apply(x) as SymbolicTensor;
  x = k.gap().apply(x) as SymbolicTensor;
  x = L.dense({ units: 5, activation: 'relu' }).apply(x) as SymbolicTensor;
  const out = L.dense({ units: 3, activation: 'softmax' }).apply(x) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Gradients of the loss w.r.t. every trainable weight, on one backend, by weight name. */
async function weightGrads(backend: string, model: LayersModel, xShape: number[], yShape: number[], loss: (y: never, p: never) => never) {
  await tf.setBackend(backend);
  expect(tf.getBackend()).toBe(backend);
  const x = tf.tensor(values(xShape.reduce((a, b) => a * b, 1), 3), xShape);
  const target = tf.softmax(tf.tensor(values(yShape.reduce((a, b) => a * b, 1), 4), yShape).mul(8));
  const { value, grads } = tf.variableGrads(() => {
    const p = model.apply(x, { training: true }) as import('@tensorflow/tfjs').Tensor;
    return tf.mean(loss(target as never, p as never)) as import('@tensorflow/tfjs').Scalar;
  });
  const out: Record<string, Float32Array> = { loss: (await value.data()) as Float32Array };
  for (const [name, g] of Object.entries(grads)) out[name] = (await g.data()) as Float32Array;
  tf.dispose([x, target, value, ...Object.values(grads)]);
  return out;
}

async function expectParity(model: LayersModel, xShape: number[], yShape: number[], loss: (y: never, p: never) => never) {
  const cpu = await weightGrads('cpu', model, xShape, yShape, loss);
  const wasm = await weightGrads('wasm', model, xShape, yShape, loss);
  expect(Object.keys(wasm).sort()).toEqual(Object.keys(cpu).sort());
  expect(Object.keys(cpu).length).toBeGreaterThan(10);
  const worst = Object.keys(cpu)
    .map((name) => [name, relError(wasm[name], cpu[name])] as const)
    .filter(([, e]) => !(e < TOLERANCE));
  expect(worst).toEqual([]);
}

describe.each([2, 3] as const)('%dD', (dims) => {
  test('segmentation layers (batch norm, ELU, dropout, residual, SE, attention) train like on cpu', async () => {
    const size = dims === 2 ? 8 : 4;
    const model = segmentationNet(dims, size);
    const spatial = new Array(dims).fill(size);
    await expectParity(model, [2, ...spatial, 2], [2, ...spatial, 2], tf.metrics.categoricalCrossentropy as never);
    model.dispose();
  });

  test('classification layers (strided conv, pooling, global pooling, dense, softmax) train like on cpu', async () => {
    const model = classificationNet(dims, 16);
    await expectParity(model, [3, ...new Array(dims).fill(16), 1], [3, 3], tf.metrics.categoricalCrossentropy as never);
    model.dispose();
  });
});

test.each([2, 3] as const)('%dD training steps leave no tensors behind on the wasm heap', async (dims) => {
  await tf.setBackend('wasm');
  const model = segmentationNet(dims, 4);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const shape = [2, ...new Array(dims).fill(4), 2];
  const n = shape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(values(n, 5), shape);
  const y = tf.softmax(tf.tensor(values(n, 6), shape));
  const heapTensors = () => (tf.backend() as unknown as { dataIdMap: { numDataIds(): number } }).dataIdMap.numDataIds();
  await model.trainOnBatch(x, y); // creates the optimizer's slots
  const before = heapTensors();
  await model.trainOnBatch(x, y);
  await model.trainOnBatch(x, y);
  expect(heapTensors()).toBe(before);
  tf.dispose([x, y]);
  model.dispose();
});
