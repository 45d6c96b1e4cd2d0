/** @jest-environment ./packages/engine-onnx/test/onnx-environment.js */
import { buildModel, predictsPerImage, type ModelSpec } from '@biaflow/engine-tfjs';
import { exportOnnx } from '@biaflow/engine-onnx';
import { compareWithOnnx, randomBatch, randomizeNonKernelWeights, spread, useCpu } from './helpers';

beforeAll(useCpu);

interface Case {
  spec: ModelSpec;
  /** Two batches: the second has another batch size and spatial size (dynamic axes). */
  shapes: [number[], number[]];
}

const seg = (spec: Partial<ModelSpec> & Pick<ModelSpec, 'architecture' | 'ndim'>, shapes: [number[], number[]]): Case => ({
  spec: { inputChannels: 2, outputChannels: 2, outputActivation: 'sigmoid', featureMaps: [4, 8, 16], seed: 11, ...spec } as ModelSpec,
  shapes,
});

// Every architecture in 2D and 3D; each U-Net with transposed-convolution upsampling in one and
// resize in the other (unet: both in both); every activation, head, normalization, several kernel
// sizes, z_down factors of 1 and 2, dropout (left out at inference).
const CASES: Record<string, Case> = {
  'unet 2D transpose batch-norm elu sigmoid': seg({ architecture: 'unet', ndim: 2, upsampling: 'transpose', activation: 'elu' }, [[2, 16, 24, 2], [1, 8, 40, 2]]),
  'unet 2D resize no-norm relu softmax kernel 5': seg(
    { architecture: 'unet', ndim: 2, upsampling: 'resize', normalization: 'none', activation: 'relu', kernelSize: 5, outputChannels: 3, outputActivation: 'softmax' },
    [[2, 16, 24, 2], [3, 12, 8, 2]],
  ),
  'resunet 2D resize leaky_relu linear dropout': seg(
    { architecture: 'resunet', ndim: 2, upsampling: 'resize', activation: 'leaky_relu', outputChannels: 1, outputActivation: 'linear', dropout: [0, 0.2, 0.3] },
    [[2, 16, 24, 2], [1, 20, 12, 2]],
  ),
  'attention_unet 2D transpose gelu softmax': seg(
    { architecture: 'attention_unet', ndim: 2, upsampling: 'transpose', activation: 'gelu', outputChannels: 3, outputActivation: 'softmax' },
    [[2, 16, 24, 2], [1, 24, 16, 2]],
  ),
  'seunet 2D resize mish sigmoid kernel 1': seg({ architecture: 'seunet', ndim: 2, upsampling: 'resize', activation: 'mish', kernelSize: 1, featureMaps: [4, 8] }, [[2, 16, 24, 2], [1, 6, 10, 2]]),
  'simple_cnn 2D swish softmax': {
    spec: { architecture: 'simple_cnn', ndim: 2, inputChannels: 2, outputChannels: 4, outputActivation: 'softmax', featureMaps: [4, 8], activation: 'swish', seed: 3 },
    shapes: [[3, 16, 24, 2], [1, 9, 13, 2]],
  },
  'resnet 2D no-norm selu sigmoid': {
    spec: { architecture: 'resnet', ndim: 2, inputChannels: 1, outputChannels: 3, outputActivation: 'sigmoid', featureMaps: [4, 8, 8], activation: 'selu', normalization: 'none', seed: 4 },
    shapes: [[2, 16, 16, 1], [1, 20, 12, 1]],
  },
  'unet 3D transpose relu sigmoid z_down [1, 2]': seg({ architecture: 'unet', ndim: 3, upsampling: 'transpose', activation: 'relu', zDown: [1, 2] }, [[2, 4, 16, 8, 2], [1, 6, 8, 12, 2]]),
  'unet 3D resize tanh softmax z_down [2]': seg(
    { architecture: 'unet', ndim: 3, upsampling: 'resize', activation: 'tanh', featureMaps: [4, 8], zDown: [2], outputChannels: 3, outputActivation: 'softmax' },
    [[2, 4, 8, 8, 2], [1, 2, 12, 6, 2]],
  ),
  'resunet 3D transpose selu linear z_down [1, 1]': seg(
    { architecture: 'resunet', ndim: 3, upsampling: 'transpose', activation: 'selu', zDown: [1, 1], outputChannels: 1, outputActivation: 'linear' },
    [[2, 3, 8, 8, 2], [1, 1, 12, 16, 2]],
  ),
  'attention_unet 3D resize swish sigmoid z_down [2, 1]': seg({ architecture: 'attention_unet', ndim: 3, upsampling: 'resize', activation: 'swish', zDown: [2, 1] }, [[2, 4, 8, 8, 2], [1, 2, 12, 4, 2]]),
  'seunet 3D transpose no-norm gelu softmax kernel 5': seg(
    { architecture: 'seunet', ndim: 3, upsampling: 'transpose', activation: 'gelu', normalization: 'none', kernelSize: 5, featureMaps: [4, 8], outputChannels: 2, outputActivation: 'softmax' },
    [[1, 4, 8, 6, 2], [2, 2, 4, 4, 2]],
  ),
  'simple_cnn 3D elu softmax z_down [1]': {
    spec: { architecture: 'simple_cnn', ndim: 3, inputChannels: 1, outputChannels: 3, outputActivation: 'softmax', featureMaps: [4, 8], activation: 'elu', zDown: [1], seed: 5 },
    shapes: [[2, 2, 8, 8, 1], [1, 3, 10, 6, 1]],
  },
  'resnet 3D leaky_relu linear dropout': {
    spec: { architecture: 'resnet', ndim: 3, inputChannels: 2, outputChannels: 2, outputActivation: 'linear', featureMaps: [4, 8], activation: 'leaky_relu', dropout: 0.25, seed: 6 },
    shapes: [[2, 4, 8, 8, 2], [1, 6, 6, 4, 2]],
  },
  'resnet 3D mish sigmoid': {
    spec: { architecture: 'resnet', ndim: 3, inputChannels: 1, outputChannels: 2, outputActivation: 'sigmoid', featureMaps: [4, 8], activation: 'mish', seed: 8 },
    shapes: [[2, 4, 8, 8, 1], [1, 2, 6, 10, 1]],
  },
};

describe.each(Object.entries(CASES))('%s', (_name, { spec, shapes }) => {
  test('ONNX Runtime on the export gives what tfjs predicts, within 1e-4, at two batch and spatial sizes', async () => {
    const model = buildModel(spec);
    try {
      randomizeNonKernelWeights(model, 99);
      const batches = shapes.map((s, i) => randomBatch(s, 1000 + i));
      const results = await compareWithOnnx(model, exportOnnx(model), batches);
      for (const [i, { expected, actual, diff }] of results.entries()) {
        const spatial = shapes[i].slice(1, -1);
        const outShape = predictsPerImage(spec.architecture ?? 'unet') ? [shapes[i][0], spec.outputChannels] : [shapes[i][0], ...spatial, spec.outputChannels];
        expect(expected.shape).toEqual(outShape);
        expect(actual.shape).toEqual(outShape);
        expect(spread(expected.data)).toBeGreaterThan(1e-3);
        expect(diff).toBeLessThan(1e-4);
      }
    } finally {
      model.dispose();
    }
  });
});
