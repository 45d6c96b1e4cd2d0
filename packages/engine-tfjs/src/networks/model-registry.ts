import type { LayersModel } from '@tensorflow/tfjs';
import type { ModelOptions } from './model-options';

/** The options each model was built or loaded with, so saving it needs no extra bookkeeping. */
const optionsOf = new WeakMap<LayersModel, ModelOptions>();

export function rememberModelOptions(model: LayersModel, options: ModelOptions): void {
  optionsOf.set(model, options);
}

export function modelOptionsOf(model: LayersModel): ModelOptions | undefined {
  return optionsOf.get(model);
}
