/**
 * @jest-environment ./packages/engine-onnx/test/onnx-environment.js
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { silentLogger } from '@biaflow/core/internals';
import { encodeModel, zooModelFormat, type ModelProto, type NodeProto } from '@biaflow/engine-onnx';
import { seededUniform, tf, tmpdir } from './helpers';

/**
 * The zoo model format on packages whose tensors are declared in other axis orders than biaflow's
 * (`byxc`, `bczyx`), with their own processing (a per-channel `scale_linear`, `clip`) and a halo:
 * tiny ONNX networks (a 3×3 or 3×3×3 convolution, written here as ONNX nodes) predict images larger
 * than their fixed input size tile by tile. The expected values are computed in this file: the
 * processing and the convolution in plain loops.
 */
const FLOAT = 1;
const INTS = 7;

function ints(name: string, values: number[]) {
  return { name, type: INTS, ints: values };
}

/** An ONNX model: `x` → (Transpose →) Conv (zero padding 1) (→ Transpose) → `y`. */
function convModel(o: { inDims: (number | string)[]; outDims: (number | string)[]; weights: Float32Array; kernel: number[]; toNc?: number[]; fromNc?: number[] }): Uint8Array {
  const nodes: NodeProto[] = [];
  let x = 'x';
  if (o.toNc) {
    nodes.push({ name: 't_in', opType: 'Transpose', input: ['x'], output: ['x_nc'], attribute: [ints('perm', o.toNc)] });
    x = 'x_nc';
  }
  const pads = o.kernel.map(() => 1);
  nodes.push({
    name: 'conv',
    opType: 'Conv',
    input: [x, 'w'],
    output: [o.fromNc ? 'y_nc' : 'y'],
    attribute: [ints('kernel_shape', o.kernel.slice(2)), ints('pads', [...pads.slice(2), ...pads.slice(2)])],
  });
  if (o.fromNc) nodes.push({ name: 't_out', opType: 'Transpose', input: ['y_nc'], output: ['y'], attribute: [ints('perm', o.fromNc)] });
  const bytes = new Uint8Array(o.weights.buffer.slice(0));
  const info = (name: string, dims: (number | string)[]) => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  const model: ModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'biaflow test',
    graph: { name: 'g', node: nodes, initializer: [{ name: 'w', dims: o.kernel, dataType: FLOAT, rawData: bytes }], input: [info('x', o.inDims)], output: [info('y', o.outDims)] },
  } as ModelProto;
  return encodeModel(model);
}

function writePackage(dir: string, description: Record<string, unknown>, onnx: Uint8Array): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'weights.onnx'), onnx);
  fs.writeFileSync(path.join(dir, 'bioimageio.yaml'), stringify({ format_version: '0.5.4', type: 'model', name: path.basename(dir), description: 'test', license: 'MIT', authors: [{ name: 'T' }], ...description }));
  return dir;
}

const context = { tf, logger: silentLogger(), threads: 1 };

async function predictImage(dir: string, image: { data: Float32Array; shape: number[] }) {
  expect(zooModelFormat.recognizes(dir)).toBe(true);
  const source = await zooModelFormat.read(dir, {});
  if (source.kind !== 'network') throw new Error('expected a network');
  const network = await source.open(context);
  try {
    return { meta: source.meta, out: await network.predictImage!(image) };
  } finally {
    await network.dispose();
  }
}

test('byxc: per-channel scale_linear, a 3×3 convolution over two channels, clip; a 30×41 image through 16×16 tiles with a halo of 2', async () => {
  const u = seededUniform(7);
  const weights = Float32Array.from({ length: 2 * 9 }, () => u() - 0.5);
  const dir = writePackage(
    path.join(tmpdir(), 'byxc'),
    {
      inputs: [
        {
          id: 'raw',
          axes: [{ type: 'batch' }, { type: 'space', id: 'y', size: 16 }, { type: 'space', id: 'x', size: 16 }, { type: 'channel', channel_names: ['a', 'b'] }],
          data: { type: 'float32' },
          test_tensor: { source: 'in.npy' },
          preprocessing: [{ id: 'scale_linear', kwargs: { axis: 'channel', gain: [2, 0.5], offset: [1, -1] } }],
        },
      ],
      outputs: [
        {
          id: 'out',
          axes: [
            { type: 'batch' },
            { type: 'space', id: 'y', size: { tensor_id: 'raw', axis_id: 'y' }, halo: 2 },
            { type: 'space', id: 'x', size: { tensor_id: 'raw', axis_id: 'x' }, halo: 2 },
            { type: 'channel', channel_names: ['p'] },
          ],
          data: { type: 'float32' },
          test_tensor: { source: 'out.npy' },
          postprocessing: [{ id: 'clip', kwargs: { min: -0.4, max: 0.6 } }],
        },
      ],
      weights: { onnx: { source: 'weights.onnx', opset_version: 17 } },
    },
    convModel({ inDims: ['b', 16, 16, 2], outDims: ['b', 16, 16, 1], weights, kernel: [1, 2, 3, 3], toNc: [0, 3, 1, 2], fromNc: [0, 2, 3, 1] }),
  );
  const [H, W] = [30, 41];
  const image = { data: Float32Array.from({ length: H * W * 2 }, () => u()), shape: [H, W, 2] };
  const { meta, out } = await predictImage(dir, image);
  expect(meta.ndim).toBe(2);
  expect(meta.input_channels).toBe(2);
  expect(meta.channels).toEqual(['p']);
  expect(meta.normalization).toBeNull();
  expect(out.shape).toEqual([H, W, 1]);

  const pre = (y: number, x: number, c: number) => image.data[(y * W + x) * 2 + c] * [2, 0.5][c] + [1, -1][c];
  let worst = 0;
  for (let y = 1; y < H - 1; y++) {
    for (let x = 1; x < W - 1; x++) {
      let s = 0;
      for (let c = 0; c < 2; c++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += weights[c * 9 + i * 3 + j] * pre(y + i - 1, x + j - 1, c);
      worst = Math.max(worst, Math.abs(Math.min(0.6, Math.max(-0.4, s)) - out.data[y * W + x]));
    }
  }
  expect(worst).toBeLessThan(1e-5);
});

test('bczyx: a 3×3×3 convolution with two output channels; a 10×13×17 volume through 8×8×8 tiles with a halo of 1', async () => {
  const u = seededUniform(11);
  const weights = Float32Array.from({ length: 2 * 27 }, () => u() - 0.5);
  const dir = writePackage(
    path.join(tmpdir(), 'bczyx'),
    {
      inputs: [
        {
          id: 'raw',
          axes: [
            { type: 'batch' },
            { type: 'channel', channel_names: ['raw'] },
            { type: 'space', id: 'z', size: 8 },
            { type: 'space', id: 'y', size: 8 },
            { type: 'space', id: 'x', size: 8 },
          ],
          data: { type: 'float32' },
          test_tensor: { source: 'in.npy' },
          preprocessing: [],
        },
      ],
      outputs: [
        {
          id: 'out',
          axes: [
            { type: 'batch' },
            { type: 'channel', channel_names: ['one', 'two'] },
            { type: 'space', id: 'z', size: { tensor_id: 'raw', axis_id: 'z' }, halo: 1 },
            { type: 'space', id: 'y', size: { tensor_id: 'raw', axis_id: 'y' }, halo: 1 },
            { type: 'space', id: 'x', size: { tensor_id: 'raw', axis_id: 'x' }, halo: 1 },
          ],
          data: { type: 'float32' },
          test_tensor: { source: 'out.npy' },
          postprocessing: [{ id: 'sigmoid' }],
        },
      ],
      weights: { onnx: { source: 'weights.onnx', opset_version: 17 } },
    },
    convModel({ inDims: ['b', 1, 8, 8, 8], outDims: ['b', 2, 8, 8, 8], weights, kernel: [2, 1, 3, 3, 3] }),
  );
  const [Z, H, W] = [10, 13, 17];
  const image = { data: Float32Array.from({ length: Z * H * W }, () => u()), shape: [Z, H, W, 1] };
  const { meta, out } = await predictImage(dir, image);
  expect(meta.ndim).toBe(3);
  expect(meta.output_activation).toBe('sigmoid');
  expect(out.shape).toEqual([Z, H, W, 2]);
  const at = (z: number, y: number, x: number) => image.data[(z * H + y) * W + x];
  let worst = 0;
  for (let z = 1; z < Z - 1; z++) {
    for (let y = 1; y < H - 1; y++) {
      for (let x = 1; x < W - 1; x++) {
        for (let o = 0; o < 2; o++) {
          let s = 0;
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 3; c++) s += weights[o * 27 + a * 9 + b * 3 + c] * at(z + a - 1, y + b - 1, x + c - 1);
          worst = Math.max(worst, Math.abs(1 / (1 + Math.exp(-s)) - out.data[((z * H + y) * W + x) * 2 + o]));
        }
      }
    }
  }
  expect(worst).toBeLessThan(1e-5);
});

test('the package is data: an input with the wrong channel count is an InputError naming the field', async () => {
  const dir = path.join(tmpdir(), 'channels');
  const u = seededUniform(3);
  writePackage(
    dir,
    {
      inputs: [{ id: 'raw', axes: [{ type: 'batch' }, { type: 'channel', channel_names: ['a', 'b'] }, { type: 'space', id: 'y', size: 8 }, { type: 'space', id: 'x', size: 8 }], data: { type: 'float32' }, test_tensor: { source: 'in.npy' } }],
      outputs: [
        {
          id: 'out',
          axes: [{ type: 'batch' }, { type: 'channel', channel_names: ['p'] }, { type: 'space', id: 'y', size: { tensor_id: 'raw', axis_id: 'y' } }, { type: 'space', id: 'x', size: { tensor_id: 'raw', axis_id: 'x' } }],
          data: { type: 'float32' },
          test_tensor: { source: 'out.npy' },
        },
      ],
      weights: { onnx: { source: 'weights.onnx', opset_version: 17 } },
    },
    convModel({ inDims: ['b', 2, 8, 8], outDims: ['b', 1, 8, 8], weights: Float32Array.from({ length: 18 }, () => u()), kernel: [1, 2, 3, 3] }),
  );
  await expect(predictImage(dir, { data: new Float32Array(64), shape: [8, 8, 1] })).rejects.toMatchObject({
    exitCode: 2,
    message: expect.stringContaining('inputs[0].axes: the image has 1 channel(s)'),
  });
});
