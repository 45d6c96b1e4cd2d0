import fs from 'node:fs';
import path from 'node:path';
import {
  BioimageioError,
  fromModelLayout,
  indexZip,
  parseModelDescription,
  quote,
  readRawDescription,
  readZipEntry,
  toModelLayout,
  type ModelRunner,
  type NdArray,
  type PackageSource,
  type WeightsFile,
} from '@biaflow/bioimageio';
import { BUNDLE_META, loadModel, MODEL_JSON, predict, WEIGHTS_BIN } from '../core-api';
import { runOnnxModel } from '../runtime/onnx-session-runner';
import { makeScratchFolder } from './scratch-folder';

/** The files of a biaflow bundle that its `tensorflow_js` zip holds. */
export const BUNDLE_FILES = [MODEL_JSON, WEIGHTS_BIN, BUNDLE_META] as const;

/** Runs a package's `onnx` weights with ONNX Runtime (CPU), tensors as declared. */
export function onnxRunner(options: { threads?: number } = {}): ModelRunner {
  return async (weights, inputs) => {
    if (weights.entry.external_data) {
      throw new Error(`${weights.path} keeps its weights in ${quote(weights.entry.external_data.source)} (ONNX external data), which biaflow's runner does not load`);
    }
    return runOnnxModel(weights.bytes, inputs, options);
  };
}

/**
 * True when a package's `tensorflow_js` weights are a biaflow model bundle: a zip holding
 * `model.json`, `weights.bin` and `biaflow.json` (what `biaflow export` writes). Other TensorFlow.js
 * weights (Keras conversions, graph models) are not biaflow's to run.
 */
export function isBiaflowTfjsZip(bytes: Uint8Array, file: string): boolean {
  try {
    const index = indexZip(bytes, file);
    return BUNDLE_FILES.every((f) => index.names.has(f));
  } catch {
    return false;
  }
}

async function packageDescription(source: PackageSource, file?: string) {
  const { raw, descriptionFile } = await readRawDescription(source, file);
  return parseModelDescription(raw, { file: `${source.location}/${descriptionFile}`, check: false });
}

/**
 * Runs a package's `tensorflow_js` weights when they are a biaflow bundle: the zip is unpacked
 * into a temporary folder and loaded as core's `loadModel` loads a bundle (biaflow's custom layers
 * registered), the input is moved from its declared axes to biaflow's model layout, the network
 * runs on tfjs's current backend in one pass (padded to the size divisor and cropped back, as
 * core's `predict` does, no normalization: the package's preprocessing did it), and the output
 * goes back to its declared axes.
 */
export function tfjsRunner(descriptionFile?: string): ModelRunner {
  return (weights, inputs) => runBundleWeights(weights, inputs, descriptionFile);
}

async function runBundleWeights(weights: WeightsFile, inputs: NdArray[], descriptionFile?: string): Promise<NdArray[]> {
  const where = `${weights.package.location}/${weights.path}`;
  const index = indexZip(weights.bytes, where);
  const missing = BUNDLE_FILES.filter((f) => !index.names.has(f));
  if (missing.length > 0) throw new BioimageioError(`is not a biaflow model bundle (no ${missing.join(', ')} in the zip)`, { file: where });
  const d = await packageDescription(weights.package, descriptionFile);
  if (d.inputs.length !== 1 || d.outputs.length !== 1) throw new BioimageioError('a biaflow bundle has one input and one output', { file: where });
  const dir = await makeScratchFolder('tfjs-weights');
  try {
    for (const f of BUNDLE_FILES) await fs.promises.writeFile(path.join(dir, f), readZipEntry(weights.bytes, index, f, where));
    const loaded = await loadModel(dir);
    try {
      const x = toModelLayout(inputs[0], d.inputs[0].axes, { field: 'inputs[0]' });
      const y = await predict(loaded, { data: Float32Array.from(x.data as ArrayLike<number>), shape: x.shape }, { normalize: false, batchSize: x.shape[0] });
      return [fromModelLayout(y, d.outputs[0].axes, { field: 'outputs[0]' })];
    } finally {
      loaded.dispose();
    }
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
