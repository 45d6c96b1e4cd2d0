import type { LayersModel } from '@tensorflow/tfjs';
import type { BundleMeta, Prediction } from '@biaflow/core';
import { predict as predictNetworkOutput, type PredictOptions } from '@biaflow/engine-tfjs';
import type { NdArray } from '@biaflow/image';
import { isWorkflowModel, predictWithWorkflow, type ImageInput, type WorkflowModel } from './workflow-model';

/**
 * Predict an in-memory image from code.
 *
 * - With a model from `loadWorkflowModel(dir)`: the post-processed result, as `biaflow predict`
 *   writes it (tiled prediction of any size, the training normalization, every post-processing
 *   step): `labels`, `points` or `classIndex`, plus `probabilities`.
 * - With a network from `loadModel(dir)`: the raw network output of an image already in model
 *   layout (`[y, x, C]` / `[z, y, x, C]`, or a batch), in one pass.
 */
export function predict(model: WorkflowModel, image: ImageInput, name?: string): Promise<Prediction>;
export function predict(model: { model: LayersModel; meta: BundleMeta }, image: NdArray, options?: PredictOptions): Promise<NdArray<Float32Array>>;
export function predict(
  model: WorkflowModel | { model: LayersModel; meta: BundleMeta },
  image: NdArray,
  third?: string | PredictOptions,
): Promise<Prediction | NdArray<Float32Array>> {
  if (isWorkflowModel(model)) return predictWithWorkflow(model, image, typeof third === 'string' ? third : undefined);
  return predictNetworkOutput(model, image, typeof third === 'object' ? third : undefined);
}
