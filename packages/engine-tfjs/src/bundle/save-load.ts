import fs from 'node:fs';
import path from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs';
import { BiaflowError, InputError } from '@biaflow/core';
import { packageFile } from '@biaflow/core';
import { clip } from '@biaflow/image';
import { replaceDirAtomic, writeFileAtomic } from '@biaflow/core';
import { loadTf } from '../backend/load-tf';
import { CORE_NAME, CORE_VERSION } from '@biaflow/core';
import { customLayers } from '../networks/layers/custom-layers';
import type { NetworkDefinition } from '@biaflow/core';
import type { ModelOptions } from '../networks/model-options';
import { networkNamed, TFJS_NETWORKS } from '../networks/networks';
import { modelOptionsOf, rememberModelOptions } from '../networks/model-registry';
import { fromMeta, toOptionsRecord } from './bundle-meta';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BUNDLE_META, type BundleInfo, type BundleMeta } from '@biaflow/core';
import { readBundleMeta } from '@biaflow/core';
import { dirHandler } from './dir-handler';
import { MODEL_JSON, WEIGHTS_BIN } from '@biaflow/core';

/** What a caller tells `saveModel` beyond the network itself; everything else is derived. */
export interface SaveInfo extends BundleInfo {
  /** The options the model was built with; default: those `buildModel` / `loadModel` recorded for it. */
  options?: ModelOptions;
}

/** The `biaflow.json` content for a model (`networks`: those `model.architecture` may name; default this engine's). */
export function bundleMeta(model: LayersModel, info: SaveInfo = {}, networks: readonly NetworkDefinition[] = TFJS_NETWORKS): BundleMeta {
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
    network_output: (networkNamed(options.architecture, networks) ?? networkNamed('unet'))!.output,
    channels: info.channels ?? [],
    input_channel_names: info.inputChannelNames ?? [],
    size_divisor: (networkNamed(options.architecture, networks) ?? networkNamed('unet'))!.sizeDivisor(options),
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
export async function saveModel(dir: string, model: LayersModel, info: SaveInfo = {}, networks: readonly NetworkDefinition[] = TFJS_NETWORKS): Promise<BundleMeta> {
  const meta = bundleMeta(model, info, networks);
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
