import type { GraphBuilder } from './graph-builder';

/**
 * tfjs activations as ONNX opset-17 nodes on a channels-first value. Each is exactly the formula
 * tfjs-layers 4.22 computes (activations.js, tfjs-core's selu constants), so exported models give
 * the same numbers:
 * - elu: alpha 1; selu: tfjs's scale and scale·alpha; leaky_relu: the layer's alpha;
 * - swish: x·sigmoid(x) (tfjs's default alpha 1);
 * - mish: x·tanh(softplus(x)) (ONNX's Mish op needs opset 18);
 * - gelu: the exact erf form 0.5·x·(1 + erf(x/√2)), not the tanh approximation (`gelu_new`);
 * - softmax: over the channels, axis 1 of the channels-first value (tfjs: the last axis).
 */

/** tfjs-core's selu constants (ops/selu_util): scale and scale·alpha. */
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_SCALE_ALPHA = 1.7580993408473768599402175208123;

export const SUPPORTED_ACTIVATIONS = ['linear', 'relu', 'elu', 'selu', 'tanh', 'sigmoid', 'softmax', 'swish', 'mish', 'gelu'] as const;

/** Apply activation `kind` to value `x`; returns the result's name (`x` itself for linear). */
export function activation(g: GraphBuilder, x: string, kind: string, name: string): string {
  switch (kind) {
    case 'linear':
      return x;
    case 'relu':
      return g.op('Relu', [x], name);
    case 'elu':
      return g.op('Elu', [x], name, { alpha: { float: 1 } });
    case 'selu':
      return g.op('Selu', [x], name, { alpha: { float: SELU_SCALE_ALPHA / SELU_SCALE }, gamma: { float: SELU_SCALE } });
    case 'tanh':
      return g.op('Tanh', [x], name);
    case 'sigmoid':
      return g.op('Sigmoid', [x], name);
    case 'softmax':
      return g.op('Softmax', [x], name, { axis: 1 });
    case 'swish':
      return g.op('Mul', [x, g.op('Sigmoid', [x], `${name}_sigmoid`)], name);
    case 'mish': {
      const t = g.op('Tanh', [g.op('Softplus', [x], `${name}_softplus`)], `${name}_tanh`);
      return g.op('Mul', [x, t], name);
    }
    case 'gelu': {
      const erf = g.op('Erf', [g.op('Mul', [x, g.constant([Math.SQRT1_2])], `${name}_scaled`)], `${name}_erf`);
      const cdf = g.op('Mul', [g.op('Add', [erf, g.constant([1])], `${name}_shift`), g.constant([0.5])], `${name}_cdf`);
      return g.op('Mul', [x, cdf], name);
    }
    default:
      throw new Error(`activation "${kind}" has no ONNX conversion (supported: ${SUPPORTED_ACTIVATIONS.join(', ')})`);
  }
}

export function leakyRelu(g: GraphBuilder, x: string, alpha: number, name: string): string {
  return g.op('LeakyRelu', [x], name, { alpha: { float: alpha } });
}
