export * from './model-options';
export { buildModel, resolveModelOptions, type ModelSpec } from './build-model';
export { customLayers, setDropoutStep, type CustomLayers } from './layers/custom-layers';
export { usesWasmWorkarounds } from './layers/nd-ops';
export { modelOptionsOf } from './model-registry';
export { TFJS_NETWORKS, networkNamed, predictsPerImage, type TfjsNetwork, type TfjsNetworkBuild } from './networks';
export { buildUNet, type UNetVariant } from './unet';
export { buildClassifier, type ClassifierVariant } from './classifiers';
export { LayerFactory, type Node } from './layer-factory';
