import fs from 'node:fs';
import path from 'node:path';
import { isBundle, loadModel } from '../engine/bundle/save-load';
import { ConfigError, InputError, UsageError } from '../errors';
import { listImageFiles } from '../io/list-image-files';
import { readImage } from '../io/read-image';
import type { RunContext } from '../kernel/run-context';
import type { Prediction } from '../kernel/stages';
import { readProbabilities, resultExists, stemOf, writeProbabilities, writeResult, outputPaths } from './prediction-files';
import { RowTable } from './row-table';
import { RunFiles } from './run-folder';
import { listTestImages, type TestImage } from './test-images';

/** The model a run predicts with: the one it trained, else `model.load`. */
export function modelDirFor(run: RunContext): string {
  const trained = path.join(run.runDir, RunFiles.model);
  if (isBundle(trained)) return trained;
  const load = run.config.model?.load;
  if (load) return load;
  throw new UsageError(
    `no model to predict with: ${trained} holds no trained model and model.load is not set`,
    'train first (biaflow train / run), or set model.load to a model folder (e.g. --set model.load=runs/x/model)',
  );
}

function requireTestImages(run: RunContext): TestImage[] {
  const dir = run.config.data.test.images;
  if (!dir) throw new ConfigError([{ path: 'data.test.images', message: 'required to predict: the folder (or file) of images to predict' }]);
  const files = listTestImages(run.config, dir);
  if (files.length === 0) throw new InputError('holds no image files (.tif, .tiff, .png, .jpg)', { file: dir });
  return files;
}

/** Tables the pipeline keeps beside the per-image results. */
class ResultTables {
  readonly objects: RowTable;
  readonly classes: RowTable;
  constructor(runDir: string, resume: boolean, private readonly classNames: string[]) {
    this.objects = new RowTable(path.join(runDir, RunFiles.objects), resume);
    this.classes = new RowTable(path.join(runDir, RunFiles.predictions, 'predictions.csv'), resume);
  }

  /** True when an earlier run already classified the image (classification results live only in the table). */
  classified(name: string): boolean {
    return this.classes.has(name);
  }

  async add(result: Prediction): Promise<void> {
    if (result.objects) await this.objects.set(result.name, result.objects);
    if (result.classIndex !== undefined) {
      const row: Record<string, number | string | null> = {
        class: this.classNames[result.classIndex] ?? String(result.classIndex),
        class_index: result.classIndex,
      };
      result.classScores?.forEach((s, i) => (row[`score_${this.classNames[i] ?? i}`] = s));
      await this.classes.set(result.name, [row]);
    }
  }
}

/**
 * Predict every test image: read → `infer[problem]` → save the network output → `postprocess`
 * → write the result. Each image's result is written last and atomically, so `--resume` skips
 * exactly the images that are complete.
 */
export async function predictStage(run: RunContext): Promise<void> {
  const { config, kernel, logger, runDir } = run;
  const files = requireTestImages(run);
  const loaded = await loadModel(modelDirFor(run));
  const tables = new ResultTables(runDir, run.resume, loaded.meta.channels);
  const infer = kernel.hooks.infer.for(config.problem.type);
  const saveProbabilities = config.predict.save_probabilities;
  let skipped = 0;
  try {
    for (const [i, { file, name }] of files.entries()) {
      if (run.resume && (resultExists(runDir, name) || tables.classified(name))) {
        skipped++;
        continue;
      }
      const started = Date.now();
      const image = await readImage(file);
      const raw = await infer.promise({ run, name, image, model: loaded });
      if (!raw) throw new Error(`no plugin returned a prediction for ${name}`);
      if (raw.probabilities && saveProbabilities) {
        await writeProbabilities(outputPaths(runDir, name).probabilities, raw.probabilities, raw.source);
      }
      const result = await kernel.hooks.postprocess.promise(raw, { run });
      await tables.add(result);
      const written = await writeResult(runDir, result, config.problem.ndim);
      logger.info(
        { event: 'predicted', image: name, outputs: written, ms: Date.now() - started },
        `predicted ${i + 1}/${files.length} ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }
  } finally {
    loaded.dispose();
  }
  if (skipped) logger.info({ event: 'resume-skip', skipped }, `${skipped} image(s) already predicted by the earlier run`);
}

/**
 * Re-run post-processing (and nothing else) on the network outputs saved in the run folder, so
 * thresholds and steps can be tuned without predicting again.
 */
export async function postprocessStage(run: RunContext): Promise<void> {
  const { config, kernel, logger, runDir } = run;
  const dir = path.join(runDir, RunFiles.probabilities);
  if (!fs.existsSync(dir) || listImageFiles(dir).length === 0) {
    throw new UsageError(`${dir} holds no saved network outputs`, 'predict first (with predict.save_probabilities on, the default)');
  }
  // Results carry the input's file name; find it among the test images by stem.
  const inputs = new Map<string, string>();
  if (config.data.test.images && fs.existsSync(config.data.test.images)) {
    for (const f of listImageFiles(config.data.test.images)) inputs.set(stemOf(f), path.basename(f));
  }
  const tables = new ResultTables(runDir, false, []);
  for (const file of listImageFiles(dir)) {
    const { probabilities, image } = await readProbabilities(file, config.problem.ndim);
    const name = inputs.get(stemOf(file)) ?? path.basename(file);
    const raw: Prediction = { name, source: { shape: image.shape, axes: image.axes, spacing: image.spacing, dtype: image.dtype }, probabilities };
    const result = await kernel.hooks.postprocess.promise(raw, { run });
    await tables.add(result);
    await writeResult(runDir, result, config.problem.ndim);
    logger.info({ event: 'postprocessed', image: name }, `post-processed ${name}`);
  }
}
