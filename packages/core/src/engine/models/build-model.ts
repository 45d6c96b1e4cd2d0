import type { LayersModel } from '@tensorflow/tfjs';
import { ConfigError } from '../../errors';
import type { Tf } from '../../backend/load-tf';
import { loadTf } from '../../backend/load-tf';
import { buildClassifier } from './classifiers';
import { LayerFactory } from './layer-factory';
import { DEFAULT_MODEL_OPTIONS, isClassifier, modelOptionProblems, type ModelOptions } from './model-options';
import { rememberModelOptions } from './model-registry';
import { buildUNet } from './unet';

export type ModelSpec = Partial<ModelOptions> & Pick<ModelOptions, 'ndim' | 'inputChannels' | 'outputChannels' | 'outputActivation'>;

/** Options with every default filled in. */
export function resolveModelOptions(spec: ModelSpec): ModelOptions {
  return { ...DEFAULT_MODEL_OPTIONS, ...Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)) } as ModelOptions;
}

/**
 * Build a network with freshly initialized, seeded weights: the same options give the same
 * weights on the same backend. Segmentation networks take any spatial size that is a multiple of
 * `sizeDivisor(options)`; they output `[B, ...spatial, outputChannels]`, classifiers `[B, outputChannels]`.
 */
export function buildModel(spec: ModelSpec, tf: Tf = loadTf()): LayersModel {
  const options = resolveModelOptions(spec);
  const problems = modelOptionProblems(options);
  if (problems.length) throw new ConfigError(problems, 'the model options');
  const factory = new LayerFactory(tf, options);
  const model = isClassifier(options.architecture) ? buildClassifier(factory) : buildUNet(factory);
  rememberModelOptions(model, options);
  return model;
}
