import fs from 'node:fs';
import path from 'node:path';
import { createZip, removeStaleTemporaries, writeModelPackage, writeNpy } from '@biaflow/bioimageio';
import {
  BUNDLE_META,
  InputError,
  isBundle,
  bundleNetworkOutput,
  loadModel,
  MODEL_JSON,
  readBundleMeta,
  readImage,
  recordFromBundle,
  RunFiles,
  toModelLayout,
  UsageError,
  WEIGHTS_BIN,
  type BundleMeta,
} from '../core-api';
import { exportOnnx, ONNX_OPSET } from '../export/export-onnx';
import { ENGINE_ONNX_NAME, ENGINE_ONNX_VERSION } from '../version';
import { channelIdentifiers, spatialAxisIds, spatialRules } from './axes';
import { coverImage } from './cover';
import { defaultCitations, describeModel, INPUT_ID, outputId, PACKAGE_FILES } from './describe-model';
import { exportSettings, readExportSection } from './export-settings';
import { encodePng } from './png';
import { zooPreprocessing } from './preprocessing';
import { packageReadme, type ReadmeInput, type TrainingData } from './readme';
import { makeTestTensors, testTensorCaps } from './test-tensors';

export interface ExportRequest {
  /** The model bundle folder (a run's `model/`, or a checkpoint). */
  model: string;
  /** The package to write: a folder, or a `.zip` (with `zip`, `.zip` is added when missing). */
  out: string;
  zip?: boolean;
  /** Replace `out` when it exists (default: refuse). */
  overwrite?: boolean;
  /** Image for the test tensors and the cover (default: the run's first test image). */
  sample?: string;
  /** A config file whose `export:` section gives or overrides the one stored with the model. */
  config?: string;
  /** Halo per space axis, or one for all (default: see `spatialRules`). */
  halo?: number | number[];
  /** Relative paths resolve from here (default: the working directory). */
  cwd?: string;
}

export interface ExportResult {
  /** The package written (folder or zip). */
  target: string;
  /** Package-relative path → size in bytes, bioimageio.yaml included. */
  files: Map<string, number>;
  /** The description as written. */
  description: Record<string, unknown>;
  /** What the zoo will ask for that the package lacks, and where it differs from biaflow. */
  warnings: string[];
  /** Temporary copies an interrupted export of the same target left, removed before writing. */
  removed: string[];
}

interface SplitJson {
  classes?: string[];
  counts?: { train: number; val: number; test: number };
  train?: { image: string }[];
  test?: { image: string }[];
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The run folder a bundle belongs to (`RUN/model`, `RUN/checkpoints/best`): the nearest folder up with a split.json. */
function runFolderOf(bundle: string): string | undefined {
  for (let dir = path.dirname(bundle), up = 0; up < 3; dir = path.dirname(dir), up++) {
    if (fs.existsSync(path.join(dir, RunFiles.split))) return dir;
  }
  return undefined;
}

/** A plain-JSON copy with undefined values left out (YAML cannot hold them). */
function defined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The tiling part of the `predict:` section (how the run predicted; not which engine or what it saved). */
function tiling(predict: unknown): Record<string, unknown> | undefined {
  if (!predict || typeof predict !== 'object') return undefined;
  const { overlap, padding, batch_size } = predict as Record<string, unknown>;
  return { overlap, padding, batch_size };
}

/**
 * What biaflow needs besides the network to reproduce a run's full result (`config.biaflow`): the
 * training config's problem, its workflow section, post-processing steps and tiling, the tuned
 * thresholds when the bundle records them, and the normalization and channels as biaflow names them.
 */
function biaflowRecord(meta: BundleMeta): Record<string, unknown> {
  const config = (meta.config ?? {}) as Record<string, unknown>;
  const problem = (config.problem ?? (meta.problem ? { type: meta.problem, ndim: meta.ndim } : undefined)) as { type?: string } | undefined;
  const workflow = problem?.type;
  const tuned = (meta as unknown as Record<string, unknown>).tuned;
  return defined({
    exported_by: { [ENGINE_ONNX_NAME]: ENGINE_ONNX_VERSION },
    bundle_format_version: meta.format_version,
    problem,
    ...(workflow && config[workflow] !== undefined ? { [workflow]: config[workflow] } : {}),
    postprocess: config.postprocess,
    predict: tiling(config.predict),
    tuned,
    normalization: meta.normalization,
    channels: { input: meta.input_channel_names, output: meta.channels },
    patch_size: meta.patch_size,
    size_divisor: meta.size_divisor,
    versions: meta.versions,
  });
}

/**
 * Write a biaflow model bundle as a BioImage Model Zoo package (spec 0.5, format_version 0.5.7):
 * ONNX weights (converted here) and TensorFlow.js weights (the bundle as trained), test tensors
 * from a real image with biaflow's output for it, the preprocessing that reproduces biaflow's
 * normalization, a cover, a README, and `config.biaflow` with the workflow's decoding.
 *
 * Bad input (not a bundle, an existing `out` without `overwrite`, a sample with the wrong channels,
 * an invalid export section) is an error with exit code 2 before anything is written; the package
 * is validated against the zoo schema and written under a temporary name, then renamed.
 */
export async function exportModelPackage(request: ExportRequest): Promise<ExportResult> {
  const cwd = request.cwd ?? process.cwd();
  const dir = path.resolve(cwd, request.model);
  const hint = "point --model to a run's model/ folder (or checkpoints/best)";
  if (!fs.existsSync(dir)) throw new InputError('does not exist', { file: dir, hint });
  if (!isBundle(dir)) throw new InputError(`is not a biaflow model bundle (it needs ${BUNDLE_META} and ${MODEL_JSON})`, { file: dir, hint });
  let target = path.resolve(cwd, request.out);
  if (request.zip && !/\.zip$/i.test(target)) target += '.zip';
  if (fs.existsSync(target) && !request.overwrite) throw new UsageError(`--out ${target} already exists`, 'pass --overwrite to replace it, or choose another --out');

  const meta = await readBundleMeta(dir);
  const classifier = bundleNetworkOutput(dir, meta) === 'global';
  const override = request.config ? { section: readExportSection(path.resolve(cwd, request.config)), source: path.resolve(cwd, request.config) } : undefined;
  const settings = exportSettings(meta, override);
  const config = (meta.config ?? {}) as { predict?: { padding?: number }; data?: { train?: { images?: string; labels?: string } } };
  if (classifier && !meta.patch_size) throw new InputError('has no patch_size: the input size of the classifier is unknown', { file: path.join(dir, BUNDLE_META) });
  const halo = request.halo;
  if (halo !== undefined && [halo].flat().some((h) => !(Number.isInteger(h) && h >= 0))) throw new UsageError(`--halo must be whole numbers of pixels ≥ 0 (got ${[halo].flat().join(',')})`);
  if (Array.isArray(halo) && halo.length !== 1 && halo.length !== meta.ndim) throw new UsageError(`--halo takes one number or ${meta.ndim} (one per space axis ${spatialAxisIds(meta.ndim).join(',')}), got ${halo.length}`);
  const rules = spatialRules(meta, classifier, { halo: Array.isArray(halo) && halo.length === 1 ? halo[0] : halo, padding: config.predict?.padding });

  let preprocessing;
  try {
    preprocessing = zooPreprocessing(meta.normalization ? recordFromBundle(meta.normalization) : null, spatialAxisIds(meta.ndim));
  } catch (e) {
    throw new InputError(`normalization: ${(e as Error).message}`, { file: path.join(dir, BUNDLE_META), cause: e });
  }

  // The run folder: split (training data, first test image) and figures.
  const runDir = runFolderOf(dir);
  const split = runDir ? readJson<SplitJson>(path.join(runDir, RunFiles.split)) : undefined;
  const metrics = runDir ? readJson<{ overall?: Record<string, unknown> }>(path.join(runDir, RunFiles.metrics)) : undefined;
  const samplePath = request.sample ? path.resolve(cwd, request.sample) : (split?.test?.[0]?.image ?? split?.train?.[0]?.image);
  if (!samplePath) throw new UsageError(`no image for the test tensors: ${dir} has no run folder with a split.json listing test images`, 'pass --sample IMAGE (an image the model can take)');
  const image = await readImage(samplePath);
  const x = toModelLayout(image, meta.ndim, samplePath);
  if (x.shape[x.shape.length - 1] !== meta.input_channels) {
    throw new InputError(`has ${x.shape[x.shape.length - 1]} channel(s); the model takes ${meta.input_channels}`, { file: samplePath, hint: 'pass --sample with an image like the training images' });
  }

  const loaded = await loadModel(dir);
  let onnx: Uint8Array;
  let tensors;
  try {
    onnx = exportOnnx(loaded.model, meta);
    tensors = await makeTestTensors(loaded, x, rules, testTensorCaps(meta.ndim, meta.patch_size));
  } finally {
    loaded.dispose();
  }
  const cover = encodePng(coverImage(tensors.inputModel, tensors.outputModel, { ndim: meta.ndim, activation: meta.output_activation, classifier }));
  const bundleZip = createZip(new Map([MODEL_JSON, WEIGHTS_BIN, BUNDLE_META].map((f) => [f, new Uint8Array(fs.readFileSync(path.join(dir, f)))])));

  const biaflow = biaflowRecord(meta);
  const tfjsVersion = meta.versions['@tensorflow/tfjs'] ?? 'unknown';
  const description = describeModel({
    meta,
    classifier,
    settings,
    rules,
    preprocessing: preprocessing.steps,
    biaflow,
    versions: { engineOnnx: ENGINE_ONNX_VERSION, tfjs: tfjsVersion, opset: ONNX_OPSET },
    timestamp: new Date().toISOString(),
  });
  const training: TrainingData = {
    images: config.data?.train?.images,
    labels: config.data?.train?.labels,
    counts: split?.counts,
    classes: split?.classes,
  };
  const readme = packageReadme({
    meta,
    classifier,
    name: description.name as string,
    description: description.description as string,
    authors: settings.authors,
    cite: description.cite as ReadmeInput['cite'],
    license: settings.license,
    rules,
    preprocessing: preprocessing.steps,
    notes: preprocessing.notes,
    inputId: INPUT_ID,
    outputId: outputId(meta, classifier),
    channelNames: { input: channelIdentifiers(meta.input_channel_names, meta.input_channels), output: channelIdentifiers(meta.channels, meta.output_channels) },
    training,
    metrics: metrics?.overall,
    biaflow,
    sample: { file: path.basename(samplePath), shape: tensors.inputModel.shape.slice(0, meta.ndim) },
    engineOnnx: ENGINE_ONNX_VERSION,
  });

  const files = new Map<string, Uint8Array>([
    [PACKAGE_FILES.onnx, onnx],
    [PACKAGE_FILES.tensorflowJs, bundleZip],
    [PACKAGE_FILES.testInput, writeNpy(tensors.input)],
    [PACKAGE_FILES.testOutput, writeNpy(tensors.output)],
    [PACKAGE_FILES.cover, cover],
    [PACKAGE_FILES.readme, new TextEncoder().encode(readme)],
  ]);
  const removed = await removeStaleTemporaries(target);
  const built = await writeModelPackage(target, description, files, { overwrite: request.overwrite });

  const warnings: string[] = [...preprocessing.notes];
  if (settings.authors.length === 0) warnings.push('no authors: the zoo asks for at least one (export.authors: [{name, affiliation?, orcid?}])');
  if (settings.cite.length === 0 && defaultCitations(meta).length === 0) warnings.push('no citation: the zoo asks for at least one (export.cite: [{text, doi or url}])');
  return { target, files: new Map([...built.files].map(([name, bytes]) => [name, bytes.length])), description: built.raw, warnings, removed };
}
