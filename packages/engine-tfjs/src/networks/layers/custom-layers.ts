import type * as LayerClasses from './layer-classes';

export type CustomLayers = typeof LayerClasses.LAYER_CLASSES;

let defined: CustomLayers | undefined;

/**
 * biaflow's layer classes, registered with tfjs's serialization on first use: importing core does
 * not load tfjs. Loading a saved model needs them registered; `loadModel` calls this.
 */
export function customLayers(): CustomLayers {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  defined ??= (require('./layer-classes') as typeof LayerClasses).LAYER_CLASSES;
  return defined;
}

/** Set the training step every dropout layer of `model` draws its next mask for. */
export function setDropoutStep(model: { layers: unknown[] }, step: number): void {
  const { Dropout } = customLayers();
  for (const layer of model.layers) if (layer instanceof Dropout) layer.step = step;
}
