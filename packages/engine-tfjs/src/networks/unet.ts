import type { LayersModel } from '@tensorflow/tfjs';
import { attentionGate, doubleConv, residualBlock, squeezeExcite } from './blocks';
import type { LayerFactory, Node } from './layer-factory';
import { dropoutAt, poolFactors } from './model-options';

/** What sets the members of the U-Net family apart: the block of each level, attention gates on the skips. */
export interface UNetVariant {
  block: 'double_conv' | 'residual' | 'squeeze_excite';
  attention?: boolean;
}

/**
 * The U-Net family (Ronneberger et al. 2015) in 2D and 3D: an encoder of `feature_maps.length`
 * levels joined by max pooling, a decoder that upsamples and concatenates the encoder's features
 * of the same level. The variants differ in the block at each level:
 * - `unet`: two convolutions;
 * - `resunet`: a residual block;
 * - `seunet`: two convolutions followed by squeeze-and-excitation;
 * - `attention_unet`: two convolutions, with attention gates on the skip connections.
 */
export function buildUNet(f: LayerFactory, variant: UNetVariant): LayersModel {
  const o = f.options;
  const depth = o.featureMaps.length;
  const block = (x: Node, name: string, level: number): Node => {
    const filters = o.featureMaps[level];
    const rate = dropoutAt(o, level);
    switch (variant.block) {
      case 'residual':
        return residualBlock(f, x, name, filters, rate);
      case 'squeeze_excite':
        return squeezeExcite(f, doubleConv(f, x, name, filters, rate), `${name}_se`);
      default:
        return doubleConv(f, x, name, filters, rate);
    }
  };

  const input = f.input();
  let x = input;
  const skips: Node[] = [];
  for (let level = 0; level < depth - 1; level++) {
    x = block(x, `enc${level}`, level);
    skips.push(x);
    x = f.pool(x, `enc${level}_pool`, poolFactors(o, level));
  }
  x = block(x, 'bottleneck', depth - 1);
  for (let level = depth - 2; level >= 0; level--) {
    const filters = o.featureMaps[level];
    const factors = poolFactors(o, level);
    x =
      o.upsampling === 'transpose'
        ? f.upConv(x, `dec${level}_up`, filters, factors)
        : f.convNormAct(f.upsample(x, `dec${level}_resize`, factors), `dec${level}_up`, filters);
    const skip = variant.attention ? attentionGate(f, skips[level], x, `dec${level}_att`) : skips[level];
    x = block(f.concat([x, skip], `dec${level}_concat`), `dec${level}`, level);
  }
  const out = f.act(f.conv(x, 'head_conv', o.outputChannels, 1), 'head', o.outputActivation);
  return f.tf.model({ inputs: input, outputs: out, name: o.architecture });
}
