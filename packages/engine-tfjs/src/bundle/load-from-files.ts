import type { io, LayersModel } from '@tensorflow/tfjs';
import { BiaflowError, InputError } from '@biaflow/core/errors';
import { BUNDLE_META, checkBundleMeta, MODEL_JSON, type BundleMeta } from '@biaflow/core/bundle-format';
import { clip, excerpt } from '@biaflow/image';
import { loadTf } from '../backend/load-tf';
import { customLayers } from '../networks/layers/custom-layers';
import { rememberModelOptions } from '../networks/model-registry';
import { fromMeta } from './bundle-meta';
import { checkWeightBytes } from './weight-bytes';

/**
 * A model bundle's files in memory, by file name: `model.json`, the weights it names (`weights.bin`)
 * and `biaflow.json` — as a browser gets them (fetched, dropped, picked), with no file system.
 */
export type BundleFiles = Readonly<Record<string, Uint8Array | ArrayBuffer>>;

/** A model loaded from files in memory, with what `biaflow.json` says about it. */
export interface LoadedBundle {
  model: LayersModel;
  meta: BundleMeta;
  /** Free the model's weights. */
  dispose(): void;
}

export interface LoadFromFilesOptions {
  /** Where the files came from (a URL, a folder name), prefixed to the file names errors give. */
  source?: string;
}

/** How errors name a file of the bundle. */
const naming = (options: LoadFromFilesOptions) => (f: string) => (options.source ? `${options.source.replace(/\/+$/, '')}/${f}` : f);

const asBytes = (b: Uint8Array | ArrayBuffer): Uint8Array => (ArrayBuffer.isView(b) ? b : new Uint8Array(b));

/** The file `name` of the bundle, or an InputError naming it and the files there are. */
function fileBytes(files: BundleFiles, name: string, where: (f: string) => string, namedBy?: string): Uint8Array {
  const bytes = Object.prototype.hasOwnProperty.call(files, name) ? files[name] : undefined;
  if (bytes === undefined) {
    const have = Object.keys(files).map((f) => excerpt(f)).join(', ') || 'none';
    throw new InputError(namedBy ? `names the weights file ${excerpt(name)}, which is not among the bundle's files (${have})` : `is missing from the model bundle (files given: ${have})`, {
      file: where(namedBy ?? name),
    });
  }
  return asBytes(bytes);
}

function parseJson(files: BundleFiles, name: string, where: (f: string) => string): unknown {
  const text = new TextDecoder().decode(fileBytes(files, name, where));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`cannot be read: ${clip((e as Error).message)}`, { file: where(name), cause: e });
  }
}

/**
 * A `tf.io` handler that loads a layers model from `model.json` and its weights in memory: the
 * weights are looked up by the names `model.json` gives (`./weights.bin` is `weights.bin`), and
 * their size is checked against what it describes.
 */
export function memoryHandler(files: BundleFiles, options: LoadFromFilesOptions = {}): io.IOHandler {
  const tf = loadTf();
  const where = naming(options);
  return {
    async load(): Promise<io.ModelArtifacts> {
      const modelJson = parseJson(files, MODEL_JSON, where) as io.ModelJSON;
      if (modelJson === null || typeof modelJson !== 'object' || !Array.isArray(modelJson.weightsManifest)) {
        throw new InputError('is not a TensorFlow.js layers model (no weightsManifest)', { file: where(MODEL_JSON) });
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const bytes = fileBytes(files, p.replace(/^(\.\/)+/, ''), where, MODEL_JSON);
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        const data = tf.io.concatenateArrayBuffers(buffers);
        const paths = manifest.flatMap((g) => g.paths);
        checkWeightBytes(specs, data.byteLength, where(paths.length === 1 ? paths[0].replace(/^(\.\/)+/, '') : MODEL_JSON));
        return [specs, data];
      });
    },
  };
}

/**
 * Load a bundle from its files in memory (`model.json`, `weights.bin`, `biaflow.json`), as
 * `loadModel` loads a bundle folder in Node: `biaflow.json` is checked first, biaflow's layers are
 * registered, and a file that does not load is an InputError naming it.
 */
export async function loadModelFromFiles(files: BundleFiles, options: LoadFromFilesOptions = {}): Promise<LoadedBundle> {
  const where = naming(options);
  const meta = checkBundleMeta(parseJson(files, BUNDLE_META, where), where(BUNDLE_META));
  customLayers();
  let model: LayersModel;
  try {
    model = await loadTf().loadLayersModel(memoryHandler(files, options));
  } catch (e) {
    if (e instanceof BiaflowError) throw e;
    throw new InputError(`cannot load the model: ${clip((e as Error).message)}`, { file: where(MODEL_JSON), cause: e });
  }
  rememberModelOptions(model, fromMeta(meta));
  return { model, meta, dispose: () => model.dispose() };
}
