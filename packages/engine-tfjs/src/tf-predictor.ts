import type { PredictBatch } from '@biaflow/image';
import type { Tf } from '@biaflow/core';

/** A model tfjs can run: a LayersModel or GraphModel (single output). */
export interface PredictingModel {
  predict(x: import('@tensorflow/tfjs').Tensor): import('@tensorflow/tfjs').Tensor | import('@tensorflow/tfjs').Tensor[];
}

/**
 * `predictBatch` for a tfjs model: one tensor in, the (first) output read back, every tensor
 * disposed before returning, so tiled prediction's memory does not grow with the number of tiles.
 */
export function tfPredictor(tf: Tf, model: PredictingModel): PredictBatch {
  return async (batch) => {
    const output = tf.tidy(() => {
      const x = tf.tensor(batch.data, batch.shape, 'float32');
      const y = model.predict(x);
      return Array.isArray(y) ? y[0] : y;
    });
    try {
      const data = (await output.data()) as Float32Array;
      return { data: data instanceof Float32Array ? data : Float32Array.from(data), shape: [...output.shape] };
    } finally {
      output.dispose();
    }
  };
}
