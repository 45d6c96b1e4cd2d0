import { ACTIVATIONS } from '@biaflow/core/internals';
import { buildModel, predictsPerImage, TFJS_NETWORKS } from '@biaflow/engine-tfjs';
import { setDropoutStep, sizeDivisor, customLayers } from '@biaflow/engine-tfjs/internals';

/** Every network the engine registers. */
const ARCHITECTURES = TFJS_NETWORKS.map((n) => n.name);
type Architecture = string;
const isClassifier = (architecture: string) => predictsPerImage(architecture);
import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { maxRelDiff, tf, useWasm } from './helpers';

beforeAll(useWasm);

/** Output and the gradients of a loss w.r.t. every weight, on one backend. */
async function forwardAndGrads(backend: string, arch: Architecture, ndim: 2 | 3, activation: (typeof ACTIVATIONS)[number] = 'elu') {
  await tf.setBackend(backend);
  const classifier = isClassifier(arch);
  const model = buildModel({
    activation,
    architecture: arch,
    ndim,
    inputChannels: 2,
    outputChannels: 3,
    outputActivation: classifier ? 'softmax' : 'sigmoid',
    featureMaps: [4, 8],
    // Each U-Net covers one upsampling in 2D and the other in 3D.
    upsampling: (ARCHITECTURES.indexOf(arch) + ndim) % 2 ? 'resize' : 'transpose',
    seed: 7,
  });
  const shape = ndim === 2 ? [2, 8, 12, 2] : [2, 4, 8, 6, 2];
  const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
  const variables = model.trainableWeights.map((w) => w.read());
  const { grads } = tf.variableGrads(() => {
    const y = model.apply(x, { training: true }) as Tensor;
    return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, 'float32', 2)));
  }, variables as never);
  const y = model.predict(x) as Tensor;
  const out = { shape: y.shape, y: await y.data(), grads: await Promise.all(variables.map((v) => grads[v.name].data())) };
  tf.dispose([x, y, ...Object.values(grads)]);
  model.dispose();
  return out;
}

describe.each(ARCHITECTURES.flatMap((a) => [[a, 2] as const, [a, 3] as const]))('%s %dD', (arch, ndim) => {
  test('builds, has the right output shape, and its output and gradients on wasm match the cpu backend', async () => {
    const cpu = await forwardAndGrads('cpu', arch, ndim);
    const wasm = await forwardAndGrads('wasm', arch, ndim);
    await tf.setBackend('wasm');
    const spatial = ndim === 2 ? [8, 12] : [4, 8, 6];
    expect(wasm.shape).toEqual(isClassifier(arch) ? [2, 3] : [2, ...spatial, 3]);
    expect(maxRelDiff(wasm.y, cpu.y)).toBeLessThan(1e-5);
    expect(wasm.grads.length).toBeGreaterThan(4);
    for (let i = 0; i < cpu.grads.length; i++) expect(maxRelDiff(wasm.grads[i], cpu.grads[i])).toBeLessThan(1e-3);
  });
});

describe.each(ACTIVATIONS.filter((a) => a !== 'elu'))('activation %s', (activation) => {
  test('trains on wasm: gradients match the cpu backend', async () => {
    const cpu = await forwardAndGrads('cpu', 'unet', 2, activation);
    const wasm = await forwardAndGrads('wasm', 'unet', 2, activation);
    await tf.setBackend('wasm');
    expect(maxRelDiff(wasm.y, cpu.y)).toBeLessThan(1e-5);
    for (let i = 0; i < cpu.grads.length; i++) expect(maxRelDiff(wasm.grads[i], cpu.grads[i])).toBeLessThan(1e-3);
  });
});

describe('model building', () => {
  const spec = { ndim: 2 as const, inputChannels: 1, outputChannels: 1, outputActivation: 'sigmoid' as const, featureMaps: [4, 8, 16] };
  const weightsOf = (m: LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));

  test('the same seed gives the same weights; another seed different ones', () => {
    const [a, b, c] = [buildModel({ ...spec, seed: 1 }), buildModel({ ...spec, seed: 1 }), buildModel({ ...spec, seed: 2 })];
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(weightsOf(a)[0]).not.toEqual(weightsOf(c)[0]);
    [a, b, c].forEach((m) => m.dispose());
  });

  test('depth follows feature_maps and the size divisor follows the poolings (z_down in 3D)', () => {
    const m = buildModel({ ...spec, featureMaps: [4, 8, 16, 32] });
    expect(m.layers.filter((l) => l.getClassName() === 'BiaflowMaxPool')).toHaveLength(3);
    expect(m.getLayer('bottleneck_2_conv').getWeights()[0].shape).toEqual([3, 3, 32, 32]);
    m.dispose();
    expect(sizeDivisor({ ndim: 2, zDown: [], architecture: 'unet', featureMaps: [4, 8, 16, 32] })).toEqual([8, 8]);
    expect(sizeDivisor({ ndim: 3, zDown: [1, 2], architecture: 'unet', featureMaps: [4, 8, 16] })).toEqual([2, 4, 4]);
  });

  test('anisotropic 3D (z_down 1) keeps the z size through the network', () => {
    const m = buildModel({ ...spec, ndim: 3, featureMaps: [4, 8], zDown: [1] });
    const y = m.predict(tf.zeros([1, 3, 8, 8, 1])) as Tensor;
    expect(y.shape).toEqual([1, 3, 8, 8, 1]);
    tf.dispose(y);
    m.dispose();
  });

  test('bad options are config errors naming the key', () => {
    expect(() => buildModel({ ...spec, dropout: [0.1, 0.2] })).toThrow('model.dropout: has 2 values but feature_maps has 3 levels');
    expect(() => buildModel({ ...spec, kernelSize: 4 })).toThrow('model.kernel_size');
    expect(() => buildModel({ ...spec, outputActivation: 'softmax' })).toThrow('softmax head needs at least 2 output channels');
  });

  test('dropout masks are seeded per training step: same step same mask, next step another', () => {
    const { Dropout } = customLayers();
    const layer = new Dropout({ rate: 0.5, seed: 3 });
    const model = { layers: [layer] };
    const x = tf.ones([1, 64]);
    const mask = (step: number) => {
      setDropoutStep(model, step);
      return Array.from((layer.apply(x, { training: true }) as Tensor).dataSync());
    };
    expect(mask(5)).toEqual(mask(5));
    expect(mask(5)).not.toEqual(mask(6));
    expect(mask(5).filter((v) => v === 0).length).toBeGreaterThan(10);
    expect(Array.from((layer.apply(x, { training: false }) as Tensor).dataSync())).toEqual(Array(64).fill(1));
  });
});

describe('wasm kernel workarounds', () => {
  test('max-pool gradient reaches windows whose maximum is negative (wasm MaxPoolGrad drops it)', async () => {
    const m = buildModel({ ndim: 2, inputChannels: 1, outputChannels: 1, outputActivation: 'linear', featureMaps: [1, 1], normalization: 'none', seed: 0 });
    const pool = m.getLayer('enc0_pool');
    const x = tf.tensor4d([-3, -1, -2, -4, -5, -6, -7, -8], [1, 2, 4, 1]);
    const g = tf.grad((t: Tensor) => tf.sum(pool.apply(t) as Tensor))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
    m.dispose();
  });
});
