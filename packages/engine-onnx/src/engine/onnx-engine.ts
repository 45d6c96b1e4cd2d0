import path from 'node:path';
import type { InferenceEngine, Network } from '../core-api';
import { loadBundleAsOnnx } from '../bundle/load-bundle';
import { createOnnxPredictor } from '../runtime/onnx-predictor';

/** The name `predict.engine` selects this engine by. */
export const ONNX_ENGINE_NAME = 'onnx';

/**
 * The `onnx` inference engine: the bundle's network converted to ONNX in memory (nothing is
 * written) and run by ONNX Runtime on the CPU with the run's thread count inside each operator.
 * Core's tiling and normalization feed it channels-last batches, as they feed tfjs.
 */
export const onnxEngine: InferenceEngine = {
  name: ONNX_ENGINE_NAME,
  description: 'ONNX Runtime (CPU): the bundle converted to ONNX in memory by @biaflow/engine-onnx',
  async open(dir, _meta, context): Promise<Network> {
    const { onnx, meta } = await loadBundleAsOnnx(dir);
    const predictor = await createOnnxPredictor(onnx, { threads: context.threads });
    context.logger.info({ event: 'onnx-engine', dir: path.resolve(dir), threads: context.threads, bytes: onnx.length }, `ONNX Runtime opened ${dir} (${context.threads} threads)`);
    return {
      meta,
      dir: path.resolve(dir),
      engine: ONNX_ENGINE_NAME,
      predict: (batch) => predictor.predict(batch),
      dispose: () => predictor.dispose(),
    };
  },
};
