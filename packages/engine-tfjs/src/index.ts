// @biaflow/engine-tfjs: what biaflow trains and predicts with in Node — tfjs on the best backend it
// finds (tfjs-node, WebAssembly with threads and biaflow's kernels, cpu), the networks a config names
// (the U-Net family, the classifiers), the training loop with checkpoints and resume, model bundles,
// and the inference engine `tfjs`. The plugin (`engineTfjsPlugin`, the default export) registers them;
// the `biaflow` package applies it to every run. `@biaflow/engine-tfjs/browser` is the part that runs
// in a browser (no files, no worker threads).
export { engineTfjsPlugin } from './plugin';
export { tfjsCompute } from './compute-backend';
export { tfjsTrainer } from './training-engine';
export { tfjsEngine, type TfjsNetwork as TfjsOpenNetwork } from './tfjs-engine';
export { TFJS_NETWORKS, networkNamed, predictsPerImage, type TfjsNetwork, type TfjsNetworkBuild } from './networks/networks';
export { LayerFactory, type Node } from './networks/layer-factory';
// What a plugin's own network is built from, as the built-in ones are (examples/plugin-network):
// the shared blocks and the pooling / dropout rules of the `model:` section.
export { doubleConv, residualBlock, squeezeExcite, attentionGate } from './networks/blocks';
export { poolingLevels, poolFactors, sizeDivisor, dropoutAt } from './networks/model-options';
export { buildModel, resolveModelOptions, type ModelSpec } from './networks/build-model';
export { DEFAULT_MODEL_OPTIONS, type ModelOptions } from './networks/model-options';
export { saveModel, loadModel, bundleMeta, type LoadedModel, type SaveInfo } from './bundle/save-load';
export { predict, type PredictOptions } from './bundle/predict';
export { registerNormalizer, registeredNormalizers, normalizeImage, type Normalizer } from './bundle/normalizers';
export { tfPredictor, type PredictingModel } from './tf-predictor';
export { trainModel, modelOptionsFromConfig, type TrainRequest, type TrainOutcome } from './training/trainer';
export { loadTf } from './backend/load-tf';
export { prepareBackend } from './backend/prepare-backend';
export { selectBackend, type BackendChoice, type SelectBackendOptions, type SelectedBackend } from './backend/select-backend';
export { ENGINE_TFJS_VERSION } from './version';

// A plugin package's default export is its plugin.
export { engineTfjsPlugin as default } from './plugin';
