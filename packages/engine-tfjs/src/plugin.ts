import { definePlugin, type BiaflowPlugin } from '@biaflow/core';
import { tfjsCompute } from './compute-backend';
import { TFJS_NETWORKS } from './networks/networks';
import { tfjsEngine } from './tfjs-engine';
import { tfjsTrainer } from './training-engine';
import { ENGINE_TFJS_VERSION } from './version';

/** TensorFlow.js for every run: what computes, the networks a config can name, the training loop and the inference engine `tfjs`. */
export const engineTfjsPlugin: BiaflowPlugin = definePlugin({
  name: '@biaflow/engine-tfjs',
  version: ENGINE_TFJS_VERSION,
  core: '^0.1.0',
  description: 'TensorFlow.js: backend selection, networks, training loop, model bundles, the tfjs inference engine',
  apply(kernel) {
    kernel.registerComputeBackend(tfjsCompute);
    for (const network of TFJS_NETWORKS) kernel.registerNetwork(network);
    kernel.registerTrainingEngine(tfjsTrainer);
    kernel.registerInferenceEngine(tfjsEngine);
  },
});
