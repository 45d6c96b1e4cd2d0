import fs from 'node:fs';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { BiaflowError, InputError } from '../../errors';
import { packageFile } from '../../io/package-file';
import { checkSettingsFileSize } from '../../io/settings-file-limit';
import { clip, excerpt } from '../../printable';
import { replaceDirAtomic, writeFileAtomic } from '../../run/atomic-write';
import { loadTf } from '../../backend/load-tf';
import { CORE_NAME, CORE_VERSION } from '../../version';
import { customLayers } from '../models/layers/custom-layers';
import { isClassifier, sizeDivisor, type ModelOptions } from '../models/model-options';
import { modelOptionsOf, rememberModelOptions } from '../models/model-registry';
import {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_META,
  fromMeta,
  toOptionsRecord,
  type BundleMeta,
  type NormalizationSettings,
} from './bundle-meta';
import { dirHandler, MODEL_JSON, WEIGHTS_BIN } from './dir-handler';

/** What a caller tells `saveModel` beyond the network itself; everything else is derived. */
export interface BundleInfo {
  /** The options the model was built with; default: those `buildModel` / `loadModel` recorded for it. */
  options?: ModelOptions;
  channels?: string[];
  inputChannelNames?: string[];
  /** The sample type of the training images, or null when they differed. */
  inputDtype?: string | null;
  patchSize?: number[] | null;
  problem?: string | null;
  normalization?: NormalizationSettings | null;
  config?: unknown;
  training?: Record<string, unknown> | null;
  plugins?: { name: string; version: string }[];
}

/** The `biaflow.json` content for a model. */
export function bundleMeta(model: LayersModel, info: BundleInfo = {}): BundleMeta {
  const options = info.options ?? modelOptionsOf(model);
  if (!options) throw new BiaflowError('saveModel: the model options are unknown (the model was not made by buildModel or loadModel); pass them as meta.options');
  const tf = loadTf();
  return {
    format: BUNDLE_FORMAT,
    format_version: BUNDLE_FORMAT_VERSION,
    architecture: options.architecture,
    model: toOptionsRecord(options),
    ndim: options.ndim,
    axes: options.ndim === 2 ? 'YXC' : 'ZYXC',
    input_channels: options.inputChannels,
    ...(info.inputDtype !== undefined ? { input_dtype: info.inputDtype } : {}),
    output_channels: options.outputChannels,
    output_activation: options.outputActivation,
    channels: info.channels ?? [],
    input_channel_names: info.inputChannelNames ?? [],
    size_divisor: isClassifier(options.architecture) ? Array<number>(options.ndim).fill(1) : sizeDivisor(options),
    patch_size: info.patchSize ?? null,
    problem: info.problem ?? null,
    normalization: info.normalization ?? null,
    config: info.config ?? null,
    ...(info.plugins ? { plugins: info.plugins } : {}),
    training: info.training ?? null,
    versions: { [CORE_NAME]: CORE_VERSION, '@tensorflow/tfjs': tf.version.tfjs, node: process.version, backend: tf.getBackend() },
    created: new Date().toISOString(),
  };
}

/**
 * Write a bundle's files into an existing folder: weights, graph, then `biaflow.json` last, each
 * through a temporary name. Callers that need the whole folder atomic wrap this in `replaceDirAtomic`.
 */
export async function writeBundle(dir: string, model: LayersModel, meta: BundleMeta): Promise<void> {
  await model.save(dirHandler(dir));
  await writeFileAtomic(path.join(dir, BUNDLE_META), `${JSON.stringify(meta, null, 2)}\n`);
}

/**
 * Save a model as a bundle folder (`model.json`, `weights.bin`, `biaflow.json`). The folder is
 * replaced atomically: a crash leaves the previous bundle or the new one, never a mix.
 */
export async function saveModel(dir: string, model: LayersModel, info: BundleInfo = {}): Promise<BundleMeta> {
  const meta = bundleMeta(model, info);
  await replaceDirAtomic(path.resolve(dir), (tmp) => writeBundle(tmp, model, meta));
  return meta;
}

/** A model loaded from a bundle, with what `biaflow.json` says about it. */
export interface LoadedModel {
  model: LayersModel;
  meta: BundleMeta;
  /** The bundle folder. */
  dir: string;
  /** Free the model's weights. */
  dispose(): void;
}

/** True when `dir` holds a biaflow model bundle. */
export function isBundle(dir: string): boolean {
  return fs.existsSync(path.join(dir, BUNDLE_META)) && fs.existsSync(path.join(dir, MODEL_JSON));
}

/** Read and check `biaflow.json`. */
export async function readBundleMeta(dir: string): Promise<BundleMeta> {
  const file = path.join(path.resolve(dir), BUNDLE_META);
  let meta: BundleMeta;
  checkSettingsFileSize(file, "a model bundle's biaflow.json");
  try {
    const real = packageFile(dir, BUNDLE_META);
    if (real === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    meta = JSON.parse(await fs.promises.readFile(real, 'utf8')) as BundleMeta;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InputError(missing ? 'is missing: this folder is not a biaflow model bundle' : `cannot be read: ${clip((e as Error).message)}`, {
      file,
      hint: missing ? 'point to the model/ folder of a run, or to checkpoints/best or checkpoints/last' : undefined,
      cause: e,
    });
  }
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) throw new InputError(`is not a biaflow model description (it holds ${excerpt(meta)}, not a JSON object)`, { file });
  if (meta.format !== BUNDLE_FORMAT) throw new InputError(`is not a biaflow model description (format ${excerpt(meta.format)})`, { file });
  if (!(meta.format_version <= BUNDLE_FORMAT_VERSION)) {
    throw new InputError(`was written by a newer biaflow (bundle format ${excerpt(meta.format_version)}; this ${CORE_NAME} ${CORE_VERSION} reads up to ${BUNDLE_FORMAT_VERSION})`, {
      file,
      hint: `upgrade ${CORE_NAME}`,
    });
  }
  return meta;
}

/** Load a bundle saved by `saveModel` (or a checkpoint folder): the graph, its weights and `biaflow.json`. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const abs = path.resolve(dir);
  const meta = await readBundleMeta(abs);
  for (const f of [MODEL_JSON, WEIGHTS_BIN]) {
    if (packageFile(abs, f) === undefined) throw new InputError('is missing from the model bundle', { file: path.join(abs, f) });
  }
  customLayers();
  let model: LayersModel;
  try {
    model = await loadTf().loadLayersModel(dirHandler(abs));
  } catch (e) {
    if (e instanceof BiaflowError) throw e;
    throw new InputError(`cannot load the model: ${clip((e as Error).message)}`, { file: path.join(abs, MODEL_JSON), cause: e });
  }
  rememberModelOptions(model, fromMeta(meta));
  return { model, meta, dir: abs, dispose: () => model.dispose() };
}
