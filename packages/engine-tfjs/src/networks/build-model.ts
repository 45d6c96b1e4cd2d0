import type { LayersModel } from '@tensorflow/tfjs';
import { ConfigError } from '@biaflow/core/errors';
import type { Tf } from '@biaflow/core';
import { loadTf } from '../backend/load-tf';
import type { NetworkDefinition } from '@biaflow/core';
import { LayerFactory } from './layer-factory';
import { DEFAULT_MODEL_OPTIONS, modelOptionProblems, type ModelOptions } from './model-options';
import { rememberModelOptions } from './model-registry';
import { networkNamed, TFJS_NETWORKS, type TfjsNetworkBuild } from './networks';

export type ModelSpec = Partial<ModelOptions> & Pick<ModelOptions, 'ndim' | 'inputChannels' | 'outputChannels' | 'outputActivation'>;

/** Options with every default filled in. */
export function resolveModelOptions(spec: ModelSpec): ModelOptions {
  return { ...DEFAULT_MODEL_OPTIONS, ...Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) } as ModelOptions;
}

/**
 * Build a network with freshly initialized, seeded weights: the same options give the same
 * weights on the same backend. `options.architecture` names one of `networks` (a run's: the
 * networks its plugins registered; default this engine's own). Per-voxel networks take any spatial
 * size that is a multiple of their `sizeDivisor`; they output `[B, ...spatial, outputChannels]`,
 * per-image ones (classifiers) `[B, outputChannels]`.
 */
export function buildModel(spec: ModelSpec, tf: Tf = loadTf(), networks: readonly NetworkDefinition[] = TFJS_NETWORKS): LayersModel {
  const options = resolveModelOptions(spec);
  const problems = modelOptionProblems(options, networks);
  if (problems.length) throw new ConfigError(problems, 'the model options');
  const factory = new LayerFactory(tf, options);
  const network = networkNamed(options.architecture, networks) as NetworkDefinition;
  if (typeof network.build !== 'function') {
    throw new ConfigError([{ path: 'model.architecture', message: `network "${network.name}" gives no TensorFlow.js builder (build: (layers) => LayersModel)` }], 'the model options');
  }
  const model = (network.build as TfjsNetworkBuild)(factory);
  rememberModelOptions(model, options);
  return model;
}
