import type { Scalar, Tensor } from '@tensorflow/tfjs';
import { ConfigError } from '@biaflow/core';
import type { Tf } from '@biaflow/core';
import type { HeadActivation } from '@biaflow/core';
import { LOSS_TYPES, type LossType } from '@biaflow/core';
import type { LossFn } from '@biaflow/core';

export interface LossSpec {
  type: LossType;
  /** One weight per output channel (class weights for `cce`); empty = all 1. */
  channelWeights?: number[];
  /** `ce_dice`: weight of the cross-entropy term (default 1). */
  ceWeight?: number;
  /** `ce_dice`: weight of the Dice term (default 1). */
  diceWeight?: number;
}

/** Probabilities are clipped to [ε, 1 − ε] before logarithms, as Keras does. */
const EPSILON = 1e-7;
/** Smoothing of the soft Dice ratio, so empty channels give 0 loss, not 0/0. */
const DICE_SMOOTH = 1;

/**
 * A loss function of (target, prediction), both `[B, ...spatial, C]` (or `[B, C]`), for a head
 * with the given activation. Per-channel losses are combined as Σ w_c·L_c / Σ w_c:
 * - `bce`: binary cross-entropy of each channel (sigmoid heads);
 * - `cce`: categorical cross-entropy over channels (softmax heads), weights are class weights
 *   (Σ_pixels Σ_c w_c·y_c·(−log p_c) / Σ_pixels Σ_c w_c·y_c, PyTorch's definition);
 * - `dice`: 1 − soft Dice of each channel over the batch;
 * - `ce_dice`: ce_weight·CE + dice_weight·Dice, CE being `cce` for softmax heads, else `bce`;
 * - `mse`, `mae`: mean squared / absolute error of each channel.
 */
export function makeLoss(tf: Tf, spec: LossSpec, outputChannels: number, head: HeadActivation): LossFn {
  const weights = spec.channelWeights && spec.channelWeights.length > 0 ? spec.channelWeights : Array<number>(outputChannels).fill(1);
  if (weights.length !== outputChannels) {
    throw new ConfigError([
      { path: 'train.loss.channel_weights', message: `has ${weights.length} values but the model has ${outputChannels} output channel(s)` },
    ]);
  }
  const total = weights.reduce((a, v) => a + v, 0);
  if (!(total > 0)) throw new ConfigError([{ path: 'train.loss.channel_weights', message: 'must not all be 0' }]);
  if (spec.type === 'cce' && head !== 'softmax') {
    throw new ConfigError([{ path: 'train.loss.type', message: 'cce needs a softmax head (mutually exclusive classes); use bce for independent channels' }]);
  }
  const w = () => tf.tensor1d(weights);

  /** Per-channel means over every axis but the last, combined with the weights. */
  const weightedChannelMean = (perElement: Tensor): Scalar => {
    const axes = Array.from({ length: perElement.rank - 1 }, (_, i) => i);
    return tf.div(tf.sum(tf.mul(tf.mean(perElement, axes), w())), total) as Scalar;
  };

  const bce: LossFn = (y, p) => {
    const pc = tf.clipByValue(p, EPSILON, 1 - EPSILON);
    const ll = tf.add(tf.mul(y, tf.log(pc)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, pc))));
    return weightedChannelMean(tf.neg(ll));
  };
  const cce: LossFn = (y, p) => {
    const pc = tf.clipByValue(p, EPSILON, 1 - EPSILON);
    const wy = tf.mul(y, w());
    return tf.div(tf.sum(tf.mul(wy, tf.neg(tf.log(pc)))), tf.maximum(tf.sum(wy), EPSILON)) as Scalar;
  };
  const dice: LossFn = (y, p) => {
    const axes = Array.from({ length: p.rank - 1 }, (_, i) => i);
    const inter = tf.sum(tf.mul(y, p), axes);
    const denom = tf.add(tf.sum(y, axes), tf.sum(p, axes));
    const perChannel = tf.sub(1, tf.div(tf.add(tf.mul(inter, 2), DICE_SMOOTH), tf.add(denom, DICE_SMOOTH)));
    return tf.div(tf.sum(tf.mul(perChannel, w())), total) as Scalar;
  };
  const ce = head === 'softmax' ? cce : bce;
  const perType: Record<LossType, LossFn> = {
    bce,
    cce,
    dice,
    ce_dice: (y, p) => tf.add(tf.mul(ce(y, p), spec.ceWeight ?? 1), tf.mul(dice(y, p), spec.diceWeight ?? 1)) as Scalar,
    mse: (y, p) => weightedChannelMean(tf.square(tf.sub(y, p))),
    mae: (y, p) => weightedChannelMean(tf.abs(tf.sub(y, p))),
  };
  const fn = perType[spec.type];
  if (!fn) throw new ConfigError([{ path: 'train.loss.type', message: `unknown loss "${String(spec.type)}" (one of ${LOSS_TYPES.join(', ')})` }]);
  // Every loss is per channel: compute it on [N, C] views (fast reductions on every backend).
  const view = (t: Tensor) => tf.reshape(t, [-1, t.shape[t.rank - 1] as number]);
  return (y, p) => fn(view(y), view(p));
}

/** The loss a head trains with when the config leaves it to the workflow and the workflow names none. */
export function defaultLossFor(head: HeadActivation): LossType {
  return head === 'softmax' ? 'cce' : head === 'sigmoid' ? 'bce' : 'mse';
}
