// @biaflow/engine-tfjs/browser: the engine's parts that run in a browser, on
// @tensorflow/tfjs-backend-wasm or -webgl: the networks and their builder, prediction, loading a
// bundle from its files in memory, and biaflow's wasm kernels and gradients (install them before
// `tf.setBackend('wasm')`). Nothing reachable from here touches files, worker threads or Node's
// modules (a browser bundle test holds it to that); training with checkpoints, bundle folders and the
// threaded wasm loader are the Node entry's (`@biaflow/engine-tfjs`). tfjs is `@tensorflow/tfjs`, the
// app's own copy (a peer dependency).
export { TFJS_NETWORKS, networkNamed, predictsPerImage, type TfjsNetwork, type TfjsNetworkBuild } from './networks/networks';
export { LayerFactory, type Node } from './networks/layer-factory';
export { buildModel, resolveModelOptions, type ModelSpec } from './networks/build-model';
export { DEFAULT_MODEL_OPTIONS, sizeDivisor, poolingLevels, type ModelOptions } from './networks/model-options';
export { buildUNet, type UNetVariant } from './networks/unet';
export { buildClassifier, type ClassifierVariant } from './networks/classifiers';
export { customLayers, type CustomLayers } from './networks/layers/custom-layers';
export { modelOptionsOf } from './networks/model-registry';
export { predict, type PredictOptions } from './bundle/predict';
export { registerNormalizer, registeredNormalizers, normalizeImage, type Normalizer } from './bundle/normalizers';
export { loadModelFromFiles, memoryHandler, type BundleFiles, type LoadedBundle, type LoadFromFilesOptions } from './bundle/load-from-files';
export { tfPredictor, type PredictingModel } from './tf-predictor';
export { installWasmKernels, BIAFLOW_WASM_KERNELS } from './backend/wasm-kernels';
export { installMissingGradients } from './backend/gradients';
export { loadTf } from './backend/load-tf';
export { ENGINE_TFJS_VERSION } from './version';
