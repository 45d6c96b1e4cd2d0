import type { HeadActivation } from './network';

/**
 * A model bundle: the folder a training run writes (`model/`, `checkpoints/best`) and every engine
 * opens — the network in TensorFlow.js layers format (`model.json`, `weights.bin`) and `biaflow.json`,
 * everything needed to use it without the run that trained it.
 */

/** Name of the file that makes a folder a biaflow model bundle. */
export const BUNDLE_META = 'biaflow.json';
export const BUNDLE_FORMAT = 'biaflow-model';
export const BUNDLE_FORMAT_VERSION = 1;
/** File names of the network (the layout `tf.loadLayersModel('file://…/model.json')` expects too). */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** The network's options as written in `biaflow.json` (the `model:` config keys). */
export interface ModelOptionsRecord {
  architecture: string;
  feature_maps: number[];
  normalization: string;
  activation: string;
  dropout: number | number[];
  kernel_size: number;
  upsampling: string;
  z_down: number[];
  seed: number;
}

/**
 * `biaflow.json`: everything needed to use the model without the run that trained it. Keys are
 * snake_case like the config; later versions add keys, never rename them.
 */
export interface BundleMeta {
  format: typeof BUNDLE_FORMAT;
  format_version: number;
  architecture: string;
  model: ModelOptionsRecord;
  /** Spatial dimensions and axis letters of the model layout (`YXC` or `ZYXC`; a batch axis comes first). */
  ndim: 2 | 3;
  axes: string;
  input_channels: number;
  /**
   * The sample type of the training images (`uint8`, `uint16`, …), null when they differed or are
   * unknown; with `div` normalization, prediction refuses images of another type (`predict.rescale_input`).
   * Absent in bundles written before it existed.
   */
  input_dtype?: string | null;
  output_channels: number;
  output_activation: HeadActivation;
  /**
   * `spatial`: the network outputs per voxel, `[b, ...spatial, c]`; `global`: per image, `[b, c]` (its
   * network's `output`). Absent in bundles written before it existed: `bundleNetworkOutput` tells.
   */
  network_output?: 'spatial' | 'global';
  /** What each output channel means (`foreground`, `contour`, class names...); empty when unknown. */
  channels: string[];
  /** What each input channel is; empty when unknown. */
  input_channel_names: string[];
  /** Segmentation networks: each spatial size must be a multiple of these (`predict` pads to them). */
  size_divisor: number[];
  /** Patch size the model was trained on (spatial axes), or null. */
  patch_size: number[] | null;
  /** Problem type of the workflow that trained it, or null. */
  problem: string | null;
  /**
   * How input images are normalized before the network sees them: `{ method, ...settings }`,
   * written by the data pipeline and applied at prediction (`ImageNormalizer` of `@biaflow/image`);
   * null when images go in as they are.
   */
  normalization: NormalizationSettings | null;
  /** The resolved config of the run that trained it, or null. */
  config: unknown;
  /**
   * The plugins the training run loaded (package name and the version range it needs), so a
   * prediction can load them — from the person's own installation only — or say which to install.
   * Absent in bundles written before it existed.
   */
  plugins?: { name: string; version: string }[];
  /** Decoding thresholds tuned on validation data after training (`train.tune_thresholds`, `biaflow tune`). */
  tuned?: TunedDecoding;
  /** How it was trained (epochs, best epoch, losses, backend), or null. */
  training: Record<string, unknown> | null;
  versions: Record<string, string>;
  created: string;
}

export interface NormalizationSettings {
  method: string;
  [setting: string]: unknown;
}

/** Decoding thresholds a tuning chose, with what it measured (biaflow.json's `tuned`). */
export interface TunedDecoding {
  /** The post-processing step whose options were tuned (`instance_watershed`). */
  step: string;
  /** The values chosen. */
  options: Record<string, number>;
  /** The workflow's main figure on the validation images: with the values it started from, and with the chosen ones. */
  figure: { key: string; label: string; baseline: number | null; value: number | null };
  /** Validation images it was measured on. */
  images: number;
  created: string;
}

/** What a training run puts into its bundle besides the network (the engine derives the rest). */
export interface BundleInfo {
  channels?: string[];
  inputChannelNames?: string[];
  /** The sample type of the training images, or null when they differed. */
  inputDtype?: string | null;
  patchSize?: number[] | null;
  problem?: string | null;
  normalization?: NormalizationSettings | null;
  config?: unknown;
  training?: Record<string, unknown> | null;
  plugins?: { name: string; version: string }[];
}
