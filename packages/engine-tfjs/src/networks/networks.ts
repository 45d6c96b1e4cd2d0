import type { LayersModel } from '@tensorflow/tfjs';
import type { NetworkDefinition, NetworkLayout } from '@biaflow/core';
import { buildClassifier } from './classifiers';
import type { LayerFactory } from './layer-factory';
import { poolingLevels, sizeDivisor } from './model-options';
import { buildUNet } from './unet';

/** How this engine builds a network: from a layer factory holding the options (names, seeds, normalization). */
export type TfjsNetworkBuild = (layers: LayerFactory) => LayersModel;

/** A network this engine can build. */
export type TfjsNetwork = NetworkDefinition<TfjsNetworkBuild>;

const levels = (layout: NetworkLayout) => poolingLevels(layout);

function uNet(name: string, description: string, build: TfjsNetworkBuild): TfjsNetwork {
  return { name, description, output: 'spatial', levels, sizeDivisor: (layout) => sizeDivisor(layout), build };
}

function classifier(name: string, description: string, build: TfjsNetworkBuild): TfjsNetwork {
  // Any input size that survives the poolings: the global average pooling takes whatever is left.
  return { name, description, output: 'global', levels, sizeDivisor: (layout) => Array<number>(layout.ndim).fill(1), build };
}

/** The networks `@biaflow/engine-tfjs` registers: the U-Net family (per voxel) and two classifiers (per image). */
export const TFJS_NETWORKS: readonly TfjsNetwork[] = [
  uNet('unet', 'U-Net: two convolutions per level', (f) => buildUNet(f, { block: 'double_conv' })),
  uNet('resunet', 'U-Net with residual blocks', (f) => buildUNet(f, { block: 'residual' })),
  uNet('attention_unet', 'U-Net with attention gates on the skip connections', (f) => buildUNet(f, { block: 'double_conv', attention: true })),
  uNet('seunet', 'U-Net with squeeze-and-excitation after each level', (f) => buildUNet(f, { block: 'squeeze_excite' })),
  classifier('simple_cnn', 'classifier: two convolutions per level, global average pooling, a dense layer', (f) => buildClassifier(f, 'plain')),
  classifier('resnet', 'classifier: a stem convolution and a residual block per level, global average pooling, a dense layer', (f) => buildClassifier(f, 'residual')),
];

/** The network `architecture` names among `networks` (the run's, or this engine's own). */
export function networkNamed(architecture: string, networks: readonly NetworkDefinition[] = TFJS_NETWORKS): NetworkDefinition | undefined {
  return [...networks].reverse().find((n) => n.name === architecture);
}

/** True when the network predicts one output per image (`[b, c]`) rather than one per voxel. */
export function predictsPerImage(architecture: string, networks: readonly NetworkDefinition[] = TFJS_NETWORKS): boolean {
  return networkNamed(architecture, networks)?.output === 'global';
}
