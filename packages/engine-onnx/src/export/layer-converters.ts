import { transpose } from '../layout';
import { activation, leakyRelu } from './activations';
import type { GraphBuilder } from './graph-builder';
import type { LayerInfo } from './tfjs-graph';

/**
 * One converter per layer class biaflow's networks are made of: it adds the ONNX nodes computing
 * the layer on channels-first values (`[B, C, (z,) y, x]`) and returns its output's name. Layer
 * semantics follow packages/core/src/engine/models/layers (layer-classes.ts, nd-ops.ts):
 * - BiaflowConv: stride 1, zero "same" padding of (k − 1)/2 on each side (odd k), optional bias;
 *   kernel [...k, Ci, Co] → ONNX [Co, Ci, ...k];
 * - BiaflowBatchNorm: inference with the moving statistics, the layer's epsilon;
 * - BiaflowMaxPool: window = stride = factors, no padding, trailing pixels dropped (ONNX floor mode);
 * - BiaflowUpConv: transposed convolution with kernel = stride = factors, kernel [...f, Co, Ci] →
 *   ONNX ConvTranspose [Ci, Co, ...f];
 * - BiaflowUpsample: nearest-neighbour repeat by integer factors (Resize, asymmetric + floor);
 * - BiaflowGlobalAvgPool: mean over space, [B, C] or kept as [B, C, 1, …] (keepDims);
 * - BiaflowScale: x · gate, the gate broadcasting over space ([B, C, 1, …]) or channels ([B, 1, …]);
 * - BiaflowConcat: along channels (axis 1); BiaflowDropout: identity at inference.
 * And the tfjs layers the builders use: Activation, LeakyReLU, Add, Dense (on [B, features]).
 */

export interface ConvertContext {
  g: GraphBuilder;
  layer: LayerInfo;
  /** Names of the ONNX values the layer reads. */
  inputs: string[];
}

type Converter = (c: ConvertContext) => string;

const spatialRank = (c: ConvertContext): number => (c.layer.inputShapes[0].length as number) - 2;

function ints(value: unknown, what: string, layer: LayerInfo): number[] {
  if (!Array.isArray(value) || value.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`layer ${layer.name}: ${what} ${JSON.stringify(value)} is not a list of positive integers`);
  }
  return value as number[];
}

const conv: Converter = ({ g, layer, inputs }) => {
  const kernel = layer.weight('kernel');
  const nd = kernel.shape.length - 2;
  const k = kernel.shape.slice(0, nd);
  if (k.some((v) => v % 2 === 0)) throw new Error(`layer ${layer.name}: even kernel size [${k}] has no symmetric "same" padding`);
  const [ci, co] = kernel.shape.slice(nd);
  // [...k, Ci, Co] → [Co, Ci, ...k]
  const w = g.weight(`${layer.name}.weight`, transpose(kernel.data, kernel.shape, [nd + 1, nd, ...k.map((_, i) => i)]), [co, ci, ...k]);
  const args = [inputs[0], w];
  if (layer.hasWeight('bias')) args.push(g.weight(`${layer.name}.bias`, layer.weight('bias').data, [co]));
  const pads = k.map((v) => (v - 1) / 2);
  return g.op('Conv', args, layer.name, { kernel_shape: k, strides: k.map(() => 1), dilations: k.map(() => 1), pads: [...pads, ...pads], group: 1 });
};

const batchNorm: Converter = ({ g, layer, inputs }) => {
  const epsilon = Number(layer.config.epsilon ?? 1e-3);
  const param = (name: string) => {
    const w = layer.weight(name);
    return g.weight(`${layer.name}.${name}`, w.data, w.shape);
  };
  return g.op('BatchNormalization', [inputs[0], param('gamma'), param('beta'), param('moving_mean'), param('moving_variance')], layer.name, {
    epsilon: { float: epsilon },
  });
};

const maxPool: Converter = (c) => {
  const { g, layer, inputs } = c;
  const f = ints(layer.config.factors, 'factors', layer);
  if (f.length !== spatialRank(c)) throw new Error(`layer ${layer.name}: ${f.length} pooling factors for ${spatialRank(c)} spatial axes`);
  return g.op('MaxPool', [inputs[0]], layer.name, { kernel_shape: f, strides: f, pads: [...f, ...f].map(() => 0), ceil_mode: 0 });
};

const upConv: Converter = ({ g, layer, inputs }) => {
  const f = ints(layer.config.factors, 'factors', layer);
  const kernel = layer.weight('kernel');
  const nd = f.length;
  const [co, ci] = kernel.shape.slice(nd);
  // [...f, Co, Ci] → [Ci, Co, ...f]
  const w = g.weight(`${layer.name}.weight`, transpose(kernel.data, kernel.shape, [nd + 1, nd, ...f.map((_, i) => i)]), [ci, co, ...f]);
  const b = g.weight(`${layer.name}.bias`, layer.weight('bias').data, [co]);
  return g.op('ConvTranspose', [inputs[0], w, b], layer.name, { kernel_shape: f, strides: f, pads: [...f, ...f].map(() => 0), group: 1 });
};

const upsample: Converter = ({ g, layer, inputs }) => {
  const f = ints(layer.config.factors, 'factors', layer);
  // Source index floor(i / f): an exact repeat of every pixel f times, as upsampleNd's tile does.
  return g.op('Resize', [inputs[0], '', g.constant([1, 1, ...f])], layer.name, {
    mode: 'nearest',
    coordinate_transformation_mode: 'asymmetric',
    nearest_mode: 'floor',
  });
};

const globalAvgPool: Converter = ({ g, layer, inputs }) => {
  if (layer.config.keepDims === true) return g.op('GlobalAveragePool', inputs, layer.name);
  const pooled = g.op('GlobalAveragePool', inputs, `${layer.name}_keepdims`);
  return g.op('Flatten', [pooled], layer.name, { axis: 1 });
};

const scale: Converter = ({ g, layer, inputs }) => g.op('Mul', inputs, layer.name);

const concat: Converter = ({ g, layer, inputs }) => g.op('Concat', inputs, layer.name, { axis: 1 });

const identity: Converter = ({ inputs }) => inputs[0];

const activationLayer: Converter = ({ g, layer, inputs }) => activation(g, inputs[0], String(layer.config.activation), layer.name);

const leakyReluLayer: Converter = ({ g, layer, inputs }) => leakyRelu(g, inputs[0], Number(layer.config.alpha ?? 0.3), layer.name);

const add: Converter = ({ g, layer, inputs }) => (inputs.length === 2 ? g.op('Add', inputs, layer.name) : g.op('Sum', inputs, layer.name));

const dense: Converter = ({ g, layer, inputs }) => {
  if (layer.inputShapes[0].length !== 2) {
    throw new Error(`layer ${layer.name}: Dense on a rank-${layer.inputShapes[0].length} input (only [batch, features] has the same meaning channels-first)`);
  }
  const kernel = layer.weight('kernel');
  const [, units] = kernel.shape;
  const args = [inputs[0], g.weight(`${layer.name}.weight`, kernel.data, kernel.shape)];
  if (layer.hasWeight('bias')) args.push(g.weight(`${layer.name}.bias`, layer.weight('bias').data, [units]));
  const act = String(layer.config.activation ?? 'linear');
  const y = g.op('Gemm', args, act === 'linear' ? layer.name : `${layer.name}_linear`, { transA: 0, transB: 0, alpha: { float: 1 }, beta: { float: 1 } });
  return activation(g, y, act, layer.name);
};

/** Converters by the class name tfjs serializes each layer under. */
export const LAYER_CONVERTERS: Record<string, Converter> = {
  BiaflowConv: conv,
  BiaflowBatchNorm: batchNorm,
  BiaflowMaxPool: maxPool,
  BiaflowUpConv: upConv,
  BiaflowUpsample: upsample,
  BiaflowGlobalAvgPool: globalAvgPool,
  BiaflowScale: scale,
  BiaflowConcat: concat,
  BiaflowDropout: identity,
  Activation: activationLayer,
  LeakyReLU: leakyReluLayer,
  Add: add,
  Dense: dense,
};
