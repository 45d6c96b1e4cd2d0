/** @jest-environment ./packages/engine-onnx/test/onnx-environment.js */
import { buildModel } from '@biaflow/engine-tfjs';
import { InputError } from '@biaflow/core/internals';
import { BIAFLOW_METADATA_KEY, decodeModel, exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from '@biaflow/engine-onnx';
import { tf, useCpu } from './helpers';

beforeAll(useCpu);

type Dim = { dimValue?: number; dimParam?: string };
const dims = (v: { type: { tensorType: { shape: { dim: Dim[] } } } }) => v.type.tensorType.shape.dim.map((d) => d.dimParam ?? d.dimValue);

describe('the exported ModelProto', () => {
  test('declares opset 17 / IR 8, channels-first input and output with named dynamic axes, and biaflow as producer', () => {
    const model = buildModel({ architecture: 'unet', ndim: 3, inputChannels: 2, outputChannels: 3, outputActivation: 'softmax', featureMaps: [4, 8] });
    const proto = decodeModel(exportOnnx(model));
    model.dispose();
    expect(ONNX_OPSET).toBe(17);
    expect(proto.irVersion).toBe(ONNX_IR_VERSION);
    // The default domain (ai.onnx) is the empty string, which protobuf may leave out.
    expect(proto.opsetImport.map((o) => [o.domain ?? '', o.version])).toEqual([['', 17]]);
    expect(proto.producerName).toBe('@biaflow/engine-onnx');
    expect(proto.graph.input.map((v) => v.name)).toEqual(['input']);
    expect(proto.graph.output.map((v) => v.name)).toEqual(['output']);
    expect(dims(proto.graph.input[0])).toEqual(['batch', 2, 'z', 'y', 'x']);
    expect(dims(proto.graph.output[0])).toEqual(['batch', 3, 'z', 'y', 'x']);
    expect(proto.metadataProps ?? []).toEqual([]);
  });

  test('a classifier outputs [batch, classes]; the bundle description goes into metadata_props without the training config', () => {
    const model = buildModel({ architecture: 'resnet', ndim: 2, inputChannels: 1, outputChannels: 5, outputActivation: 'softmax', featureMaps: [4, 8] });
    const meta = { format: 'biaflow-model', architecture: 'resnet', size_divisor: [1, 1], config: { secret: 'path' } } as never;
    const proto = decodeModel(exportOnnx(model, meta));
    model.dispose();
    expect(dims(proto.graph.input[0])).toEqual(['batch', 1, 'y', 'x']);
    expect(dims(proto.graph.output[0])).toEqual(['batch', 5]);
    const entry = proto.metadataProps.find((p) => p.key === BIAFLOW_METADATA_KEY);
    expect(JSON.parse(entry?.value ?? '{}')).toEqual({ format: 'biaflow-model', architecture: 'resnet', size_divisor: [1, 1] });
    expect(proto.docString).toContain('resnet');
  });

  test('weights are stored as float32 initializers in ONNX layouts (a 3×3 conv of 2 → 4 channels: [4, 2, 3, 3])', () => {
    const model = buildModel({ architecture: 'simple_cnn', ndim: 2, inputChannels: 2, outputChannels: 2, outputActivation: 'softmax', featureMaps: [4], normalization: 'none' });
    const proto = decodeModel(exportOnnx(model));
    model.dispose();
    const init = new Map(proto.graph.initializer.map((t) => [t.name, t]));
    expect(init.get('level0_1_conv.weight')?.dims).toEqual([4, 2, 3, 3]);
    expect(init.get('level0_1_conv.bias')?.dims).toEqual([4]);
    expect(init.get('level0_1_conv.weight')?.rawData.length).toBe(4 * 2 * 3 * 3 * 4);
    expect(init.get('head.weight')?.dims).toEqual([4, 2]);
  });
});

describe('models the exporter cannot convert', () => {
  test("a tfjs layer with no converter: InputError naming the layer and its class", () => {
    const input = tf.input({ shape: [8, 8, 1] });
    const out = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'same', name: 'plain_conv' }).apply(input) as never;
    const model = tf.model({ inputs: input, outputs: out, name: 'foreign' });
    expect(() => exportOnnx(model)).toThrow(InputError);
    expect(() => exportOnnx(model)).toThrow(/layer plain_conv is a Conv2D, which has no ONNX conversion/);
    model.dispose();
  });

  test('two inputs: InputError saying the exporter handles one', () => {
    const a = tf.input({ shape: [4, 4, 1] });
    const b = tf.input({ shape: [4, 4, 1] });
    const model = tf.model({ inputs: [a, b], outputs: tf.layers.add().apply([a, b]) as never, name: 'two_inputs' });
    expect(() => exportOnnx(model)).toThrow(/has 2 inputs and 1 outputs; ONNX export handles one of each/);
    model.dispose();
  });
});
