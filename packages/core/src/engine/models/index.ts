export * from './model-options';
export { buildModel, resolveModelOptions, type ModelSpec } from './build-model';
export { customLayers, setDropoutStep, type CustomLayers } from './layers/custom-layers';
export { usesWasmWorkarounds } from './layers/nd-ops';
export { modelOptionsOf } from './model-registry';
