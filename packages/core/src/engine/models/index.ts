export * from './model-options';
export { buildModel, resolveModelOptions, type ModelSpec } from './build-model';
export { customLayers, setDropoutStep, type CustomLayers } from './layers/custom-layers';
export { decompose3d } from './layers/nd-ops';
export { modelOptionsOf } from './model-registry';
