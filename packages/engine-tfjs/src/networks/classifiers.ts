import type { LayersModel } from '@tensorflow/tfjs';
import { doubleConv, residualBlock } from './blocks';
import type { LayerFactory } from './layer-factory';
import { dropoutAt, poolFactors } from './model-options';

/**
 * Image classifiers, 2D and 3D: levels of convolutions joined by max pooling, a global average
 * over space, dropout, and a dense layer with one output per class. The input can be any size
 * whose spatial axes survive the poolings.
 * - `simple_cnn`: two convolutions per level;
 * - `resnet`: a stem convolution, then a residual block per level (ResNet-style).
 */
/** The block of each classifier level: two convolutions, or a residual block after a stem convolution. */
export type ClassifierVariant = 'plain' | 'residual';

export function buildClassifier(f: LayerFactory, variant: ClassifierVariant): LayersModel {
  const o = f.options;
  const depth = o.featureMaps.length;
  const input = f.input();
  let x = variant === 'residual' ? f.convNormAct(input, 'stem', o.featureMaps[0]) : input;
  for (let level = 0; level < depth; level++) {
    if (level > 0) x = f.pool(x, `level${level}_pool`, poolFactors(o, level - 1));
    const filters = o.featureMaps[level];
    const rate = dropoutAt(o, level);
    x = variant === 'residual' ? residualBlock(f, x, `level${level}`, filters, rate) : doubleConv(f, x, `level${level}`, filters, rate);
  }
  x = f.globalPool(x, 'global_pool');
  x = f.dropout(x, 'head_drop', dropoutAt(o, depth - 1));
  const out = f.dense(x, 'head', o.outputChannels, o.outputActivation);
  return f.tf.model({ inputs: input, outputs: out, name: o.architecture });
}
