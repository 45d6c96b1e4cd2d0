import type { BundleMeta, ModelOptionsRecord } from '@biaflow/core/bundle-format';
import type { ModelOptions } from '../networks/model-options';

/** The options a network was built with ↔ the `model` record of its `biaflow.json`. */
export function toOptionsRecord(o: ModelOptions): ModelOptionsRecord {
  return {
    architecture: o.architecture,
    feature_maps: o.featureMaps,
    normalization: o.normalization,
    activation: o.activation,
    dropout: o.dropout,
    kernel_size: o.kernelSize,
    upsampling: o.upsampling,
    z_down: o.zDown,
    seed: o.seed,
  };
}

export function fromMeta(meta: BundleMeta): ModelOptions {
  const m = meta.model;
  // biaflow.json is data: its values are checked when the network is built (modelOptionProblems).
  return {
    architecture: m.architecture,
    ndim: meta.ndim,
    inputChannels: meta.input_channels,
    outputChannels: meta.output_channels,
    outputActivation: meta.output_activation,
    featureMaps: m.feature_maps,
    normalization: m.normalization as ModelOptions['normalization'],
    activation: m.activation as ModelOptions['activation'],
    dropout: m.dropout,
    kernelSize: m.kernel_size,
    upsampling: m.upsampling as ModelOptions['upsampling'],
    zDown: m.z_down,
    seed: m.seed,
  };
}
