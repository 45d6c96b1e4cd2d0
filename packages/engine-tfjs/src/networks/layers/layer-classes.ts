import type { serialization, Tensor } from '@tensorflow/tfjs';
import { loadTf } from '../../backend/load-tf';
import { deriveSeed } from '@biaflow/image';
import { batchNormTraining } from './channel-ops';
import { addBias, channelsView, concatChannels, convNd, globalAvgPoolNd, maxPoolNd, scaleBy, upConvNd, upsampleNd } from './nd-ops';

/**
 * biaflow's own layers. They exist because tfjs-layers lacks them in 3D (batch norm of rank 5,
 * 3D upsampling and global pooling), because some tfjs 3D ops have no gradient or wrong wasm
 * kernels (see nd-ops.ts), and because tfjs's Dropout reuses one mask for every step when seeded.
 * Each works for 2D and 3D and serializes under its class name, so a saved model.json loads back
 * into the same layers once this module has registered them.
 *
 * This module loads tfjs: import it lazily, through `customLayers()`.
 */

const tf = loadTf();

type Shape = (number | null)[];
type ConfigDict = serialization.ConfigDict;
type Kwargs = Record<string, unknown>;
type LayerArgs = { name?: string; trainable?: boolean };

const first = (inputs: Tensor | Tensor[]): Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);
const firstShape = (s: Shape | Shape[]): Shape => (Array.isArray(s[0]) ? (s as Shape[])[0] : (s as Shape));

export interface ConvArgs extends LayerArgs {
  filters: number;
  kernelSize: number;
  useBias?: boolean;
  seed: number;
}

export interface BatchNormArgs extends LayerArgs {
  momentum?: number;
  epsilon?: number;
}

export interface FactorsArgs extends LayerArgs {
  /** One integer factor per spatial axis. */
  factors: number[];
}

export interface UpConvArgs extends FactorsArgs {
  filters: number;
  seed: number;
}

export interface GlobalPoolArgs extends LayerArgs {
  keepDims?: boolean;
}

export interface DropoutArgs extends LayerArgs {
  rate: number;
  seed: number;
}

const Base = tf.layers.Layer;
type Weight = ReturnType<InstanceType<typeof Base>['addWeight']>;
const heNormal = (seed: number) => tf.initializers.heNormal({ seed });

/** Convolution, stride 1, "same" padding, He-normal initialization from a fixed seed. */
export class Conv extends Base {
  static className = 'BiaflowConv';
  readonly filters: number;
  readonly kernelSize: number;
  readonly useBias: boolean;
  readonly seed: number;
  private kernel?: Weight;
  private bias?: Weight;

  constructor(args: ConvArgs) {
    super(args as never);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.useBias = args.useBias ?? true;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = firstShape(inputShape);
    const nd = s.length - 2;
    const ci = s[s.length - 1] as number;
    this.kernel = this.addWeight('kernel', [...Array(nd).fill(this.kernelSize), ci, this.filters], 'float32', heNormal(this.seed));
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape).slice();
    s[s.length - 1] = this.filters;
    return s;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const y = convNd(tf, first(inputs), this.kernel!.read());
      return this.bias ? addBias(tf, y, this.bias.read()) : y;
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, useBias: this.useBias, seed: this.seed };
  }
}

/**
 * Batch normalization over every axis but the channels, any rank (tfjs's own has no gradient
 * beyond rank 4), on the `[N, C]` view with a hand-written gradient (channel-ops.ts). Moving statistics update in
 * training calls, Keras-style (`moving = moving·momentum + batch·(1 − momentum)`), momentum 0.9 by
 * default (PyTorch's, which BiaPy uses) so that short trainings end with usable statistics.
 */
export class BatchNorm extends Base {
  static className = 'BiaflowBatchNorm';
  readonly momentum: number;
  readonly epsilon: number;
  private gamma?: Weight;
  private beta?: Weight;
  private movingMean?: Weight;
  private movingVariance?: Weight;

  constructor(args: BatchNormArgs = {}) {
    super(args as never);
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-3;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = firstShape(inputShape);
    const c = s[s.length - 1] as number;
    this.gamma = this.addWeight('gamma', [c], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [c], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [c], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [c], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const input = first(inputs);
      const x = channelsView(tf, input);
      if (kwargs.training === true) {
        const { y, mean, variance } = batchNormTraining(tf, x, this.gamma!.read(), this.beta!.read(), this.epsilon);
        const m = this.momentum;
        this.movingMean!.write(tf.add(tf.mul(this.movingMean!.read(), m), tf.mul(mean, 1 - m)));
        this.movingVariance!.write(tf.add(tf.mul(this.movingVariance!.read(), m), tf.mul(variance, 1 - m)));
        return tf.reshape(y, input.shape);
      }
      const scale = tf.mul(tf.rsqrt(tf.add(this.movingVariance!.read(), this.epsilon)), this.gamma!.read());
      const shift = tf.sub(this.beta!.read(), tf.mul(this.movingMean!.read(), scale));
      return tf.reshape(tf.add(tf.mul(x, scale), shift), input.shape);
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}

/** Max pooling by an integer factor per spatial axis. */
export class MaxPool extends Base {
  static className = 'BiaflowMaxPool';
  readonly factors: number[];

  constructor(args: FactorsArgs) {
    super(args as never);
    this.factors = args.factors;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape).slice();
    this.factors.forEach((f, i) => {
      const v = s[i + 1];
      s[i + 1] = v === null ? null : Math.floor(v / f);
    });
    return s;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => maxPoolNd(tf, first(inputs), this.factors));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), factors: this.factors };
  }
}

/** Learned upsampling: transposed convolution with kernel = stride = `factors`. */
export class UpConv extends Base {
  static className = 'BiaflowUpConv';
  readonly factors: number[];
  readonly filters: number;
  readonly seed: number;
  private kernel?: Weight;
  private bias?: Weight;

  constructor(args: UpConvArgs) {
    super(args as never);
    this.factors = args.factors;
    this.filters = args.filters;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = firstShape(inputShape);
    const ci = s[s.length - 1] as number;
    this.kernel = this.addWeight('kernel', [...this.factors, this.filters, ci], 'float32', heNormal(this.seed));
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape).slice();
    this.factors.forEach((f, i) => {
      const v = s[i + 1];
      s[i + 1] = v === null ? null : v * f;
    });
    s[s.length - 1] = this.filters;
    return s;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => addBias(tf, upConvNd(tf, first(inputs), this.kernel!.read()), this.bias!.read()));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), factors: this.factors, filters: this.filters, seed: this.seed };
  }
}

/** Nearest-neighbour upsampling by an integer factor per spatial axis. */
export class Upsample extends Base {
  static className = 'BiaflowUpsample';
  readonly factors: number[];

  constructor(args: FactorsArgs) {
    super(args as never);
    this.factors = args.factors;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape).slice();
    this.factors.forEach((f, i) => {
      const v = s[i + 1];
      s[i + 1] = v === null ? null : v * f;
    });
    return s;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => upsampleNd(tf, first(inputs), this.factors));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), factors: this.factors };
  }
}

/** Mean over the spatial axes. */
export class GlobalAvgPool extends Base {
  static className = 'BiaflowGlobalAvgPool';
  readonly keepDims: boolean;

  constructor(args: GlobalPoolArgs = {}) {
    super(args as never);
    this.keepDims = args.keepDims ?? false;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = firstShape(inputShape);
    return this.keepDims ? [s[0], ...s.slice(1, -1).map(() => 1), s[s.length - 1]] : [s[0], s[s.length - 1]];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => globalAvgPoolNd(tf, first(inputs), this.keepDims));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), keepDims: this.keepDims };
  }
}

/**
 * Dropout whose mask is a function of (seed, training step): reproducible, different at every
 * step, and the same after a resume. The trainer sets the step (`setDropoutStep`).
 */
export class Dropout extends Base {
  static className = 'BiaflowDropout';
  readonly rate: number;
  readonly seed: number;
  /** Training step the next mask belongs to. */
  step = 0;

  constructor(args: DropoutArgs) {
    super(args as never);
    this.rate = args.rate;
    this.seed = args.seed;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return firstShape(inputShape);
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const x = first(inputs);
      if (kwargs.training !== true || this.rate <= 0) return tf.clone(x);
      return tf.dropout(x, this.rate, undefined, deriveSeed(this.seed, 'dropout', this.step));
    });
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

/** Concatenation along the channel axis. */
export class Concat extends Base {
  static className = 'BiaflowConcat';

  constructor(args: LayerArgs = {}) {
    super(args as never);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = inputShape as Shape[];
    const out = shapes[0].slice();
    const last = out.length - 1;
    out[last] = shapes.some((s) => s[last] === null) ? null : shapes.reduce((a, s) => a + (s[last] as number), 0);
    return out;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => concatChannels(tf, inputs as Tensor[]));
  }
}

/** Features times a gate that broadcasts over space (per-channel weights) or over channels (per-pixel weights). */
export class Scale extends Base {
  static className = 'BiaflowScale';

  constructor(args: LayerArgs = {}) {
    super(args as never);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[0];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const [x, gate] = inputs as Tensor[];
    return tf.tidy(() => scaleBy(tf, x, gate));
  }
}

export const LAYER_CLASSES = { Conv, BatchNorm, MaxPool, UpConv, Upsample, GlobalAvgPool, Dropout, Concat, Scale };
for (const cls of Object.values(LAYER_CLASSES)) tf.serialization.registerClass(cls as never);
