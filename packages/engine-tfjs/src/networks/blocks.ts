import type { LayerFactory, Node } from './layer-factory';

/**
 * The building blocks the architectures share. Each takes the factory (names, seeds, the
 * options' normalization / activation) and a name prefix unique within the network.
 */

/** Two convolutions (each conv → norm → activation), dropout between them: the U-Net's level. */
export function doubleConv(f: LayerFactory, x: Node, name: string, filters: number, dropout: number): Node {
  let y = f.convNormAct(x, `${name}_1`, filters);
  y = f.dropout(y, `${name}_drop`, dropout);
  return f.convNormAct(y, `${name}_2`, filters);
}

/**
 * Residual block (He et al. 2016): conv → norm → act → dropout → conv → norm, added to the input
 * (through a 1×1 convolution when the channel count changes), then the activation.
 */
export function residualBlock(f: LayerFactory, x: Node, name: string, filters: number, dropout: number): Node {
  const bn = f.options.normalization === 'batch';
  let y = f.convNormAct(x, `${name}_1`, filters);
  y = f.dropout(y, `${name}_drop`, dropout);
  y = f.norm(f.conv(y, `${name}_2_conv`, filters, undefined, !bn), `${name}_2_bn`);
  const channels = x.shape[x.shape.length - 1];
  const shortcut = channels === filters ? x : f.norm(f.conv(x, `${name}_skip_conv`, filters, 1, !bn), `${name}_skip_bn`);
  return f.act(f.add([y, shortcut], `${name}_add`), `${name}_out`);
}

/**
 * Squeeze-and-excitation (Hu et al. 2018): channel weights from the global average of each
 * channel, through a bottleneck of `channels / ratio`, multiply the features.
 */
export function squeezeExcite(f: LayerFactory, x: Node, name: string, ratio = 4): Node {
  const channels = x.shape[x.shape.length - 1] as number;
  let s = f.globalPool(x, `${name}_squeeze`, true);
  s = f.act(f.conv(s, `${name}_reduce`, Math.max(1, Math.floor(channels / ratio)), 1), `${name}_reduce_act`, 'relu');
  s = f.act(f.conv(s, `${name}_expand`, channels, 1), `${name}_gate`, 'sigmoid');
  return f.scale(x, s, `${name}_scale`);
}

/**
 * Additive attention gate (Oktay et al. 2018): the decoder's features `g` decide, pixel by pixel,
 * how much of the skip connection `x` passes. `x` and `g` have the same spatial size.
 */
export function attentionGate(f: LayerFactory, x: Node, g: Node, name: string): Node {
  const channels = x.shape[x.shape.length - 1] as number;
  const inter = Math.max(1, Math.floor(channels / 2));
  const theta = f.conv(x, `${name}_theta`, inter, 1, false);
  const phi = f.conv(g, `${name}_phi`, inter, 1, true);
  const joint = f.act(f.add([theta, phi], `${name}_sum`), `${name}_relu`, 'relu');
  const psi = f.act(f.conv(joint, `${name}_psi`, 1, 1), `${name}_sigmoid`, 'sigmoid');
  return f.scale(x, psi, `${name}_gated`);
}
