import path from 'node:path';
import { InputError, loadModel, MODEL_JSON, type BundleMeta } from '../core-api';
import { exportOnnx } from '../export/export-onnx';
import { createOnnxPredictor, type OnnxPredictor, type OnnxPredictorOptions } from '../runtime/onnx-predictor';

export interface OnnxBundle {
  /** The encoded ONNX model (`exportOnnx` of the bundle's network). */
  onnx: Uint8Array;
  /** The bundle's `biaflow.json`. */
  meta: BundleMeta;
}

/** Load a biaflow bundle folder and convert its network to ONNX in memory (nothing is written). */
export async function loadBundleAsOnnx(bundleDir: string): Promise<OnnxBundle> {
  const loaded = await loadModel(bundleDir);
  try {
    return { onnx: exportOnnx(loaded.model, loaded.meta), meta: loaded.meta };
  } catch (e) {
    if (e instanceof InputError && !e.file) throw new InputError(e.message, { file: path.join(loaded.dir, MODEL_JSON), hint: e.hint, cause: e });
    throw e;
  } finally {
    loaded.dispose();
  }
}

/** A bundle's network converted to ONNX and opened in ONNX Runtime, with its `biaflow.json`. */
export async function createBundlePredictor(bundleDir: string, options: OnnxPredictorOptions = {}): Promise<{ predictor: OnnxPredictor; meta: BundleMeta }> {
  const { onnx, meta } = await loadBundleAsOnnx(bundleDir);
  return { predictor: await createOnnxPredictor(onnx, options), meta };
}
