import fs from 'node:fs';
import path from 'node:path';
import { isBundle } from './bundle-files';
import { ConfigError, InputError, UsageError } from '../errors';
import type { TestImage } from '../kernel/contributions/data-layout';
import { screenInputImage } from '../data/non-finite';
import type { RunContext } from '../kernel/run-context';
import type { Prediction } from '../kernel/stages';
import { modelLoadPath } from './model-ref';
import type { RunDataIO } from '../data/data-io';
import type { ProgressSink } from '../kernel/contributions/progress';
import { Tokens } from '../kernel/tokens';
import { checkImageForModel, fitImageToModel } from './model-input';
import { stopIfAsked } from '@biaflow/fs';
import { openNetwork } from './open-network';
import { readProbabilities, stemOf } from './prediction-files';
import { RunFiles } from './run-folder';
import { runResults } from './run-results';

/** The model a run predicts with: the one it trained, else `model.load`. */
function modelDirFor(run: RunContext): string {
  const trained = path.join(run.runDir, RunFiles.model);
  if (isBundle(trained)) return trained;
  const load = modelLoadPath(run);
  if (load) return load;
  throw new UsageError(
    `no model to predict with: ${trained} holds no trained model and model.load is not set`,
    'train first (biaflow train / run), or set model.load to a model folder (e.g. --set model.load=runs/x/model)',
  );
}

/** The test images of a run, as its workflow's data layout finds them. */
export function listTestImages(run: RunContext, dir: string): TestImage[] {
  return run.workflow.data.testImages(dir, run.container.resolve(Tokens.DataIO));
}

function requireTestImages(run: RunContext): TestImage[] {
  const dir = run.config.data.test.images;
  if (!dir) throw new ConfigError([{ path: 'data.test.images', message: 'required to predict: the folder (or file) of images to predict' }]);
  const files = listTestImages(run, dir);
  if (files.length === 0) throw new InputError(`holds no image files (${run.container.resolve<RunDataIO>(Tokens.DataIO).extensions.join(', ')})`, { file: dir });
  return files;
}

/** Post-process a raw prediction and write it through the hooks; returns the files written. */
async function finish(run: RunContext, raw: Prediction): Promise<string[]> {
  const result = await run.kernel.hooks.postprocess.promise(raw, { run });
  const event = { run, raw, files: [] as string[] };
  await run.kernel.hooks.writeResult.promise(result, event);
  return event.files;
}

/**
 * Predict every test image: read → `infer[workflow]` → `postprocess` → `writeResult`. Each
 * image's result is written last and atomically, so `--resume` skips exactly the images that are
 * complete.
 */
export async function predictStage(run: RunContext): Promise<void> {
  const { config, kernel, logger } = run;
  const files = requireTestImages(run);
  const io = run.container.resolve<RunDataIO>(Tokens.DataIO);
  const network = await openNetwork(run, modelDirFor(run));
  // Every test image the model was not trained for is refused before the first is predicted, from
  // its header where its reader can tell (each image is checked again once read).
  try {
    for (const { file } of files) {
      let header;
      try {
        header = io.header(file);
      } catch {
        header = undefined; // reading it reports the problem
      }
      if (header) checkImageForModel(header, network.meta, file, config.predict.rescale_input);
    }
  } catch (e) {
    await network.dispose();
    throw e;
  }
  const results = runResults(run);
  const infer = kernel.hooks.infer.for(config.problem.type);
  let skipped = 0;
  const task = run.container.resolve<ProgressSink>(Tokens.Progress).start({ id: 'predict', label: 'predict', total: files.length, unit: 'images' });
  try {
    for (const [i, { file, name }] of files.entries()) {
      stopIfAsked(run.signal, () => ({ at: `after ${i} of ${files.length} images`, resumeFrom: `image ${i + 1} (${name}); the ${i} predicted are kept` }));
      if (run.resume && results.complete(name)) {
        skipped++;
        task.update(i + 1);
        continue;
      }
      const started = Date.now();
      // What the model was not trained for stops here, naming the file (exit 2), before any inference;
      // so do NaN or infinite pixels (or they are replaced, data.nan). The images before it are kept.
      const read = screenInputImage(await io.readImage(file), file, config.data.nan, logger);
      const image = fitImageToModel(read, network.meta, file, config.predict.rescale_input);
      const raw = await infer.promise({ run, name, image, model: network });
      if (!raw) throw new Error(`no plugin returned a prediction for ${name}`);
      const written = await finish(run, raw);
      logger.info(
        { event: 'predicted', image: name, outputs: written, ms: Date.now() - started },
        `predicted ${i + 1}/${files.length} ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      task.update(i + 1);
    }
  } finally {
    task.end();
    await network.dispose();
  }
  if (skipped) logger.info({ event: 'resume-skip', skipped }, `${skipped} image(s) already predicted by the earlier run`);
}

/**
 * Re-run post-processing (and nothing else) on the network outputs saved in the run folder, so
 * thresholds and steps can be tuned without predicting again.
 */
export async function postprocessStage(run: RunContext): Promise<void> {
  const { config, logger, runDir } = run;
  const io = run.container.resolve<RunDataIO>(Tokens.DataIO);
  const dir = path.join(runDir, RunFiles.probabilities);
  if (!fs.existsSync(dir) || io.listImageFiles(dir).length === 0) {
    throw new UsageError(`${dir} holds no saved network outputs`, 'predict first (with predict.save_probabilities on, the default)');
  }
  // Results carry the input's file name; find it among the test images by stem.
  const inputs = new Map<string, string>();
  if (config.data.test.images && fs.existsSync(config.data.test.images)) {
    for (const f of io.listImageFiles(config.data.test.images)) inputs.set(stemOf(f), path.basename(f));
  }
  const files = io.listImageFiles(dir);
  const results = runResults(run);
  let skipped = 0;
  const task = run.container.resolve<ProgressSink>(Tokens.Progress).start({ id: 'postprocess', label: 'post-process', total: files.length, unit: 'images' });
  for (const [i, file] of files.entries()) {
    stopIfAsked(run.signal, () => {
      task.end();
      return { at: `after post-processing ${i} of ${files.length} images`, resumeFrom: `image ${i + 1}; the ${i} post-processed are kept` };
    });
    const name = inputs.get(stemOf(file)) ?? path.basename(file);
    // --resume (the same settings: the same variant folder) skips the images whose result is written.
    if (run.resume && results.complete(name)) {
      skipped++;
      task.update(i + 1);
      continue;
    }
    const { probabilities, image } = await readProbabilities(file, config.problem.ndim, (f) => io.readImage(f));
    const raw: Prediction = { name, source: { shape: image.shape, axes: image.axes, spacing: image.spacing, dtype: image.dtype }, probabilities };
    await finish(run, raw);
    logger.info({ event: 'postprocessed', image: name }, `post-processed ${name}`);
    task.update(i + 1);
  }
  task.end();
  if (skipped) logger.info({ event: 'resume-skip', skipped }, `${skipped} image(s) already post-processed by the earlier run`);
}
