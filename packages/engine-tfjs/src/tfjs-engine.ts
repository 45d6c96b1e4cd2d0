import { toFloat32 } from '@biaflow/image';
import { tfPredictor } from './tf-predictor';
import type { InferenceEngine, Network } from '@biaflow/core';
import { loadModel, type LoadedModel } from './bundle/save-load';

/** A network tfjs runs, with the loaded LayersModel for callers that need it (fine-tuning, export). */
export interface TfjsNetwork extends Network {
  readonly loaded: LoadedModel;
}

/** Core's inference engine: the bundle's LayersModel on the backend the run selected. */
export const tfjsEngine: InferenceEngine = {
  name: 'tfjs',
  description: 'TensorFlow.js on the selected backend (tfjs-node, wasm or cpu)',
  async open(dir, _meta, context): Promise<TfjsNetwork> {
    const loaded = await loadModel(dir);
    const predictBatch = tfPredictor(context.tf, loaded.model);
    return {
      meta: loaded.meta,
      dir: loaded.dir,
      engine: 'tfjs',
      loaded,
      predict: async (batch) => toFloat32(await predictBatch(batch), false),
      dispose: () => loaded.dispose(),
    };
  },
};
