import type { SymbolicTensor } from '@tensorflow/tfjs';
import type { Tf } from '@biaflow/core';
import { deriveSeed } from '@biaflow/image';
import { customLayers } from './layers/custom-layers';
import type { ModelOptions } from './model-options';
import type { Activation } from '@biaflow/core';
import type { HeadActivation } from '@biaflow/core';

export type Node = SymbolicTensor;

/**
 * Creates the layers of one network: unique, readable names (`enc1_conv2`), weights seeded from
 * the model seed and the layer name (so adding a layer elsewhere does not change these weights),
 * and the options' normalization, activation and dropout applied consistently.
 */
export class LayerFactory {
  private readonly names = new Set<string>();
  private readonly layers = customLayers();

  constructor(
    readonly tf: Tf,
    readonly options: ModelOptions,
  ) {}

  private name(name: string): string {
    if (this.names.has(name)) throw new Error(`layer name ${name} used twice`);
    this.names.add(name);
    return name;
  }

  private seed(name: string): number {
    return deriveSeed(this.options.seed, 'init', name);
  }

  input(): Node {
    const spatial = Array<null>(this.options.ndim).fill(null);
    return this.tf.input({ shape: [...spatial, this.options.inputChannels], name: this.name('input') });
  }

  conv(x: Node, name: string, filters: number, kernelSize = this.options.kernelSize, useBias = true): Node {
    const n = this.name(name);
    return new this.layers.Conv({ name: n, filters, kernelSize, useBias, seed: this.seed(n) }).apply(x) as Node;
  }

  /** Batch norm when the options ask for it; otherwise the input unchanged. */
  norm(x: Node, name: string): Node {
    if (this.options.normalization !== 'batch') return x;
    return new this.layers.BatchNorm({ name: this.name(name) }).apply(x) as Node;
  }

  act(x: Node, name: string, activation: Activation | HeadActivation | 'relu' = this.options.activation): Node {
    const n = this.name(name);
    if (activation === 'leaky_relu') return this.tf.layers.leakyReLU({ name: n, alpha: 0.01 }).apply(x) as Node;
    return this.tf.layers.activation({ name: n, activation: activation as never }).apply(x) as Node;
  }

  /** Conv → (batch norm) → activation; the convolution has no bias when batch norm follows it. */
  convNormAct(x: Node, name: string, filters: number, kernelSize = this.options.kernelSize): Node {
    const bn = this.options.normalization === 'batch';
    return this.act(this.norm(this.conv(x, `${name}_conv`, filters, kernelSize, !bn), `${name}_bn`), `${name}_act`);
  }

  dropout(x: Node, name: string, rate: number): Node {
    if (!(rate > 0)) return x;
    const n = this.name(name);
    return new this.layers.Dropout({ name: n, rate, seed: this.seed(n) }).apply(x) as Node;
  }

  pool(x: Node, name: string, factors: number[]): Node {
    return new this.layers.MaxPool({ name: this.name(name), factors }).apply(x) as Node;
  }

  upConv(x: Node, name: string, filters: number, factors: number[]): Node {
    const n = this.name(name);
    return new this.layers.UpConv({ name: n, filters, factors, seed: this.seed(n) }).apply(x) as Node;
  }

  upsample(x: Node, name: string, factors: number[]): Node {
    return new this.layers.Upsample({ name: this.name(name), factors }).apply(x) as Node;
  }

  globalPool(x: Node, name: string, keepDims = false): Node {
    return new this.layers.GlobalAvgPool({ name: this.name(name), keepDims }).apply(x) as Node;
  }

  add(xs: Node[], name: string): Node {
    return this.tf.layers.add({ name: this.name(name) }).apply(xs) as Node;
  }

  /** `x` times a gate broadcast over space or over channels. */
  scale(x: Node, gate: Node, name: string): Node {
    return new this.layers.Scale({ name: this.name(name) }).apply([x, gate]) as Node;
  }

  concat(xs: Node[], name: string): Node {
    return new this.layers.Concat({ name: this.name(name) }).apply(xs) as Node;
  }

  dense(x: Node, name: string, units: number, activation: HeadActivation): Node {
    const n = this.name(name);
    return this.tf.layers
      .dense({ name: n, units, activation, kernelInitializer: this.tf.initializers.glorotUniform({ seed: this.seed(n) }) })
      .apply(x) as Node;
  }
}
