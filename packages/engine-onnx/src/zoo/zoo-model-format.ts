import fs from 'node:fs';
import path from 'node:path';
import {
  BioimageioError,
  checkTensorSizes,
  DESCRIPTION_FILE_NAMES,
  descriptionLocation,
  indexZip,
  isParameterizedSize,
  isUrl,
  packagePath,
  quote,
  readModelPackage,
  readZipEntry,
  spatialAxes,
  tilingRules,
  unsupportedFeatures,
  type ModelDescription,
  type ModelPackage,
  type WeightsFormat,
} from '@biaflow/bioimageio';
import { BUNDLE_FORMAT, DEFAULT_MAX_MEGAVOXELS, readBundleMeta, type BundleMeta, type ModelFormat, type ModelReadOptions, type ModelSource } from '../core-api';
import { openOnnxSession } from '../runtime/onnx-session-runner';
import { ENGINE_ONNX_VERSION } from '../version';
import { BUNDLE_FILES, isBiaflowTfjsZip } from './runners';
import { makeScratchFolder } from './scratch-folder';
import { asInputError } from './zoo-errors';
import { MAX_TILE, zooNetwork } from './zoo-network';

/** The name of the BioImage Model Zoo model format. */
export const ZOO_FORMAT_NAME = 'bioimageio';
export const ZOO_FORMAT_DESCRIPTION =
  'BioImage Model Zoo packages (bioimageio.yaml spec 0.5 / 0.4, a folder, its YAML or a .zip): onnx weights through ONNX Runtime with the package\'s own processing and halo tiling; tensorflow_js weights exported by biaflow as the biaflow bundle they hold';

/** The weights file a format names, read and checked against its sha256. */
async function checkedWeights(pkg: ModelPackage, format: WeightsFormat, file: string): Promise<{ path: string; bytes: Uint8Array }> {
  const entry = pkg.description.weights[format]!;
  const field = `weights.${format}.source`;
  if (isUrl(entry.source)) throw new BioimageioError(`${quote(entry.source, { max: 120 })} is a URL: biaflow does not download weights`, { file, field, hint: 'use a package with its weights inside' });
  const rel = packagePath(entry.source, field, file);
  const where = `${pkg.source.location}/${rel}`;
  if (!(await pkg.source.exists(rel))) throw new BioimageioError(`the weights file ${rel} is missing from the package`, { file: where, field, hint: 'the package is incomplete: download it again' });
  if (entry.sha256) {
    const actual = await pkg.source.sha256(rel);
    if (actual !== entry.sha256) {
      throw new BioimageioError(`sha256 mismatch: ${rel} hashes to ${actual}, weights.${format}.sha256 says ${quote(entry.sha256, { max: 64 })} (the file was changed or replaced)`, {
        file: where,
        field: `weights.${format}.sha256`,
        hint: 'the package is damaged or was tampered with: get it again from its source',
      });
    }
  }
  return { path: rel, bytes: await pkg.source.read(rel) };
}

/** `tensorflow_js` weights that are a biaflow bundle: unpacked into a temporary folder, read as one. */
async function unpackBundle(bytes: Uint8Array, where: string): Promise<{ dir: string; meta: BundleMeta; dispose(): Promise<void> }> {
  const index = indexZip(bytes, where);
  const dir = await makeScratchFolder('zoo-bundle');
  const dispose = () => fs.promises.rm(dir, { recursive: true, force: true });
  try {
    for (const f of BUNDLE_FILES) await fs.promises.writeFile(path.join(dir, f), readZipEntry(bytes, index, f, where));
    return { dir, meta: await readBundleMeta(dir), dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** `config.biaflow` of a package biaflow exported, or undefined. */
function biaflowRecord(d: ModelDescription): Record<string, unknown> | undefined {
  const record = d.config.biaflow;
  return record && typeof record === 'object' && !Array.isArray(record) ? (record as Record<string, unknown>) : undefined;
}

/**
 * What biaflow predicts a zoo network with, in bundle form. The workflow and its post-processing come
 * from `config.biaflow` when biaflow exported the package (problem, the workflow's section, the
 * `postprocess` steps, tiling), else the network output is a probability map read as binary
 * semantic segmentation (`--set problem.type=…`, `postprocess=[…]` choose otherwise). Plugins a
 * package names are not taken over: nothing a package says is run.
 */
function networkMeta(d: ModelDescription, file: string): BundleMeta {
  const input = d.inputs[0];
  const output = d.outputs[0];
  const axes = spatialAxes(input.axes, { field: 'inputs[0]', file });
  if (axes.length !== 2 && axes.length !== 3) throw new BioimageioError(`biaflow predicts 2D and 3D images; the input has ${axes.length} space axes`, { file, field: 'inputs[0].axes' });
  const outSpace = spatialAxes(output.axes, { field: 'outputs[0]', file });
  if (outSpace.join() !== axes.join()) {
    throw new BioimageioError(`biaflow predicts images into images: the output's space axes (${outSpace.join(', ') || 'none'}) must be the input's (${axes.join(', ')})`, { file, field: 'outputs[0].axes' });
  }
  const ndim = axes.length as 2 | 3;
  const channelNames = (t: typeof input | typeof output) => {
    const c = t.axes.find((a) => a.type === 'channel');
    return c && c.type === 'channel' ? c.channel_names : [];
  };
  const last = output.postprocessing.filter((s) => s.id !== 'ensure_dtype').at(-1)?.id;
  const activation = last === 'sigmoid' ? 'sigmoid' : last === 'softmax' ? 'softmax' : 'linear';
  const { rules } = tilingRules(d, { file });
  const record = biaflowRecord(d);
  const problem = (record?.problem as { type?: unknown } | undefined)?.type;
  const type = typeof problem === 'string' ? problem : 'semantic';
  const config: Record<string, unknown> = { problem: { type, ndim } };
  if (record) {
    if (record[type] !== undefined) config[type] = record[type];
    for (const key of ['postprocess', 'predict'] as const) if (record[key] !== undefined) config[key] = record[key];
  }
  const inputNames = channelNames(input);
  const outputNames = channelNames(output);
  return {
    format: BUNDLE_FORMAT,
    format_version: 1,
    // Not one of biaflow's architectures: the network is the package's own.
    architecture: ZOO_FORMAT_NAME as BundleMeta['architecture'],
    model: null as unknown as BundleMeta['model'],
    ndim,
    axes: ndim === 2 ? 'YXC' : 'ZYXC',
    input_channels: Math.max(1, inputNames.length),
    output_channels: Math.max(1, outputNames.length),
    output_activation: activation,
    channels: outputNames,
    input_channel_names: inputNames,
    size_divisor: rules.map((r) => (isParameterizedSize(r.size) ? r.size.step : 1)),
    patch_size: rules.every((r) => typeof r.size === 'number') ? rules.map((r) => r.size as number) : null,
    problem: type,
    normalization: null,
    config,
    // Decoding thresholds biaflow tuned on validation data, when it exported the package.
    ...(record?.tuned && typeof record.tuned === 'object' ? { tuned: record.tuned as BundleMeta['tuned'] } : {}),
    training: null,
    versions: { '@biaflow/engine-onnx': ENGINE_ONNX_VERSION, 'bioimageio format_version': d.format_version },
    created: new Date().toISOString(),
  };
}

/**
 * Refuse a package whose declared tensors (at the largest tile biaflow gives a `{min, step}` input)
 * hold more than the run's `system.max_image_megavoxels`, before any tensor or session exists.
 */
function checkDeclaredSizes(d: ModelDescription, file: string, maxMegavoxels: number): void {
  const ndim = d.inputs[0].axes.filter((a) => a.type === 'space').length === 3 ? 3 : 2;
  checkTensorSizes(d, {
    maxSamples: maxMegavoxels * 1e6,
    largestTile: MAX_TILE[ndim],
    limit: `the limit of ${maxMegavoxels} megavoxels (system.max_image_megavoxels)`,
    hint: (samples) =>
      Number.isFinite(samples)
        ? `if the model is meant to take tensors this large, raise the limit: --set system.max_image_megavoxels=${Math.ceil(samples / 1e6)}`
        : 'the description declares sizes no run can allocate: the package is damaged or hostile',
    file,
  });
}

/**
 * The settings a package gives the run (its workflow's section, post-processing, prediction), said in
 * the run's log: `config.biaflow`, or the training config of the biaflow bundle in its weights.
 */
function logTakenSettings(meta: BundleMeta, from: string, logger: ModelReadOptions['logger']): void {
  if (!logger) return;
  const config = (meta.config ?? {}) as Record<string, unknown>;
  const keys = [meta.problem, 'postprocess', 'predict'].filter((k): k is string => typeof k === 'string' && config[k] !== undefined);
  if (keys.length === 0) return;
  const settings = Object.fromEntries(keys.map((k) => [k, config[k]]));
  const listed = keys.map((k) => `${k}: ${JSON.stringify(config[k])}`).join('; ');
  logger.info({ event: 'model-settings', from, problem: meta.problem, settings }, `settings taken from ${from} (validated as a config's): problem.type ${meta.problem}; ${listed}`);
}

/** Read a zoo package as a model biaflow predicts with (and, for biaflow's own tensorflow_js weights, fine-tunes). */
async function readZooModel(target: string, options: ModelReadOptions): Promise<ModelSource> {
  const pkg = await readModelPackage(target);
  const d = pkg.description;
  const file = descriptionLocation(pkg.source, pkg.descriptionFile);
  const unsupported = unsupportedFeatures(d);
  if (unsupported.length > 0) {
    const lines = unsupported.map((i) => `  - ${i.field}: ${i.message}`).join('\n');
    throw new BioimageioError(`the package uses what biaflow does not support:\n${lines}`, { file, field: unsupported[0].field });
  }
  if (d.inputs.length !== 1 || d.outputs.length !== 1) {
    throw new BioimageioError(`biaflow predicts models with one input and one output (this one has ${d.inputs.length} and ${d.outputs.length})`, { file, field: d.inputs.length !== 1 ? 'inputs' : 'outputs' });
  }
  const maxMegavoxels = options.maxMegavoxels ?? DEFAULT_MAX_MEGAVOXELS;
  checkDeclaredSizes(d, file, maxMegavoxels);

  // biaflow's own weights: the bundle as trained, used exactly as the original bundle.
  const tfjs = d.weights.tensorflow_js;
  if (tfjs && !isUrl(tfjs.source) && (await pkg.source.exists(packagePath(tfjs.source, 'weights.tensorflow_js.source', file)))) {
    const { path: rel, bytes } = await checkedWeights(pkg, 'tensorflow_js', file);
    if (isBiaflowTfjsZip(bytes, rel)) {
      const bundle = await unpackBundle(bytes, `${pkg.source.location}/${rel}`);
      logTakenSettings(bundle.meta, `the biaflow bundle in ${pkg.source.location}/${rel}`, options.logger);
      return { kind: 'bundle', dir: bundle.dir, meta: bundle.meta, dispose: bundle.dispose };
    }
  }
  if (!d.weights.onnx) {
    const has = Object.keys(d.weights).join(', ') || 'none';
    throw new BioimageioError(
      `no weights biaflow runs: it runs onnx weights, and tensorflow_js weights that biaflow exported (a zip with model.json, weights.bin and biaflow.json); this package has ${has}${tfjs ? ' (its tensorflow_js weights are missing or are not a biaflow bundle)' : ''}`,
      { file, field: 'weights' },
    );
  }
  if (d.weights.onnx.external_data) {
    throw new BioimageioError('ONNX weights with external data are not supported by biaflow', { file, field: 'weights.onnx.external_data' });
  }
  const meta = networkMeta(d, file);
  logTakenSettings(meta, `config.biaflow of ${file}`, options.logger);
  const onnx = await checkedWeights(pkg, 'onnx', file);
  const where = `${pkg.source.location}/${onnx.path}`;
  return {
    kind: 'network',
    meta,
    settingsFrom: `config.biaflow of ${file}`,
    untrainable: `its only weights biaflow reads are ONNX (${where}), which biaflow runs but cannot train; fine-tuning needs the package's tensorflow_js weights exported by biaflow (a zip holding model.json, weights.bin and biaflow.json)`,
    async open(context) {
      return asInputError(async () => {
        const session = await openOnnxSession(onnx.bytes, { threads: context.threads, file: where });
        context.logger.info({ event: 'zoo-model', package: pkg.source.location, weights: 'onnx', threads: context.threads }, `ONNX Runtime opened the zoo package ${pkg.source.location} (${d.name})`);
        return zooNetwork({ description: d, file, meta, dir: path.resolve(target), session, maxMegavoxels });
      });
    },
  };
}

/**
 * The BioImage Model Zoo as a model format (`kernel.registerModelFormat`): `predict --model`,
 * `model.load` and `loadWorkflowModel` accept a package folder, its `bioimageio.yaml` (or
 * `rdf.yaml`), or its `.zip`. Only data is read: a package's files that are code (a `.js` file, an
 * architecture's `.py`, plugins its `config` names) are never run.
 */
export const zooModelFormat: ModelFormat = {
  name: ZOO_FORMAT_NAME,
  description: ZOO_FORMAT_DESCRIPTION,
  recognizes(target) {
    try {
      const stat = fs.statSync(target);
      if (stat.isDirectory()) return DESCRIPTION_FILE_NAMES.some((n) => fs.existsSync(path.join(target, n)));
      return /\.(ya?ml|zip)$/i.test(target);
    } catch {
      return false;
    }
  },
  read(target, options = {}) {
    return asInputError(() => readZooModel(target, options));
  },
};
