import type { Activation, NORMALIZATIONS, UPSAMPLINGS } from '@biaflow/core';
import type { ModelHead, NetworkDefinition, NetworkLayout } from '@biaflow/core';

/**
 * What a network is, as the builders take it. The user sets most of it in the `model:` config
 * section; the workflow sets the head (output channels and activation) from the problem type.
 */

export interface ModelOptions extends ModelHead {
  /** A registered network's name (`model.architecture`). */
  architecture: string;
  /** Spatial dimensions: 2 (`[y, x]`) or 3 (`[z, y, x]`). */
  ndim: 2 | 3;
  inputChannels: number;
  /** Filters per level, shallow to deep; the depth of the network is its length. */
  featureMaps: number[];
  normalization: (typeof NORMALIZATIONS)[number];
  activation: Activation;
  /** Dropout rate, one for all levels or one per level. */
  dropout: number | number[];
  /** Convolution kernel size (odd). */
  kernelSize: number;
  /** How decoders upsample: learned transposed convolution, or nearest-neighbour resize then convolution. */
  upsampling: (typeof UPSAMPLINGS)[number];
  /** 3D only: pooling factor along z at each downsampling (1 keeps anisotropic volumes' few planes); [] = 2 everywhere. */
  zDown: number[];
  /** Seed of the weight initializers and dropout masks. */
  seed: number;
}

export const DEFAULT_MODEL_OPTIONS: Omit<ModelOptions, 'inputChannels' | 'outputChannels' | 'outputActivation' | 'ndim'> = {
  architecture: 'unet',
  featureMaps: [16, 32, 64, 128, 256],
  normalization: 'batch',
  activation: 'elu',
  dropout: 0,
  kernelSize: 3,
  upsampling: 'transpose',
  zDown: [],
  seed: 0,
};

/** Number of downsamplings of the built-in networks: one between consecutive levels (U-Nets and classifiers alike). */
export function poolingLevels(o: Pick<NetworkLayout, 'featureMaps'>): number {
  return o.featureMaps.length - 1;
}

/** Pooling factor per spatial axis at downsampling `level` (0 = the first). */
export function poolFactors(o: Pick<NetworkLayout, 'ndim' | 'zDown'>, level: number): number[] {
  return o.ndim === 2 ? [2, 2] : [o.zDown[level] ?? 2, 2, 2];
}

/**
 * What each spatial input size must be a multiple of for the network to give an output of the
 * same size (the product of the pooling factors along each axis): `predict` pads up to it.
 */
export function sizeDivisor(o: NetworkLayout): number[] {
  const div = Array<number>(o.ndim).fill(1);
  for (let l = 0; l < poolingLevels(o); l++) poolFactors(o, l).forEach((f, i) => (div[i] *= f));
  return div;
}

/** Dropout rate of a level. */
export function dropoutAt(o: Pick<ModelOptions, 'dropout'>, level: number): number {
  return Array.isArray(o.dropout) ? (o.dropout[level] ?? 0) : o.dropout;
}

/**
 * Problems that make options unbuildable, located by the config key that sets them (`model.dropout`);
 * empty when the options are fine.
 */
export function modelOptionProblems(o: ModelOptions, networks: readonly NetworkDefinition[]): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (!networks.some((n) => n.name === o.architecture)) add('model.architecture', `"${o.architecture}" is not one of ${networks.map((n) => n.name).join(', ')}`);
  if (o.featureMaps.length < 1 || o.featureMaps.some((f) => !Number.isInteger(f) || f < 1)) add('model.feature_maps', 'must be a non-empty list of positive integers');
  if (!Number.isInteger(o.kernelSize) || o.kernelSize < 1 || o.kernelSize % 2 === 0) add('model.kernel_size', `must be an odd positive integer (got ${o.kernelSize})`);
  if (Array.isArray(o.dropout) && o.dropout.length !== o.featureMaps.length) {
    add('model.dropout', `has ${o.dropout.length} values but feature_maps has ${o.featureMaps.length} levels`);
  }
  const rates = Array.isArray(o.dropout) ? o.dropout : [o.dropout];
  if (rates.some((r) => !(r >= 0 && r < 1))) add('model.dropout', 'rates must be in [0, 1)');
  if (o.zDown.some((z) => z !== 1 && z !== 2)) add('model.z_down', 'values must be 1 or 2');
  const network = networks.find((n) => n.name === o.architecture);
  const levels = network ? network.levels(o) : poolingLevels(o);
  if (o.zDown.length > 0 && o.zDown.length !== levels) {
    add('model.z_down', `has ${o.zDown.length} values but the network downsamples ${levels} times (feature_maps length − 1)`);
  }
  if (!Number.isInteger(o.inputChannels) || o.inputChannels < 1) add('input channels', `must be a positive integer (got ${o.inputChannels})`);
  if (!Number.isInteger(o.outputChannels) || o.outputChannels < 1) add('output channels', `must be a positive integer (got ${o.outputChannels})`);
  if (o.outputActivation === 'softmax' && o.outputChannels < 2) add('output channels', 'a softmax head needs at least 2 output channels');
  return problems;
}
