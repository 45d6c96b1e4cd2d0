/** Activation of the output layer: per-channel probabilities, a distribution over channels, or raw values. */
const HEAD_ACTIVATIONS = ['sigmoid', 'softmax', 'linear'] as const;
export type HeadActivation = (typeof HEAD_ACTIVATIONS)[number];

/** The output layer, chosen by the workflow. */
export interface ModelHead {
  outputChannels: number;
  outputActivation: HeadActivation;
}

/** The shape of a network as the `model:` config section sets it: what its down-sampling depends on. */
export interface NetworkLayout {
  /** Spatial dimensions: 2 (`[y, x]`) or 3 (`[z, y, x]`). */
  ndim: 2 | 3;
  /** Filters per level, shallow to deep (`model.feature_maps`). */
  featureMaps: readonly number[];
  /** 3D: pooling factor along z at each down-sampling (`model.z_down`); [] = 2 everywhere. */
  zDown: readonly number[];
}

/**
 * A network architecture a config can name (`model.architecture`), registered with
 * `kernel.registerNetwork`. Core and every workflow see only what is declared here: whether it
 * predicts per voxel or per image, and what input sizes it takes; the training engine that builds it
 * calls `build`. `@biaflow/engine-tfjs` registers the U-Net family and the classifiers; a plugin adds
 * its own (`examples/plugin-network`).
 */
export interface NetworkDefinition<Build = unknown> {
  /** The `model.architecture` value (`unet`, `resnet`). */
  name: string;
  description: string;
  /**
   * `spatial`: an output per voxel, `[b, ...spatial, c]` (label maps, point maps, restored images);
   * `global`: one output per image, `[b, c]` (a class per image).
   */
  output: 'spatial' | 'global';
  /** How many times it halves its input (the length `model.z_down` must have). */
  levels(layout: NetworkLayout): number;
  /** What each spatial input size must be a multiple of for an output of the same size (all 1 for `global` networks that take any size). */
  sizeDivisor(layout: NetworkLayout): number[];
  /** The training engine's builder: for `@biaflow/engine-tfjs`, `(layers: LayerFactory) => LayersModel`. */
  build: Build;
}
