import fs from 'node:fs';
import path from 'node:path';
import { BUNDLE_META, type EvaluateEvent, figureAt, openNetwork, outputKindOf, type PlannedStep, planPostprocess, type Prediction, readBundleMeta, removeOutputSync, type RunContext, RunFiles, Tokens, type DataIO, screenInputImage, stemOf, temporaryPath, type TunedDecoding, type WorkflowDriver, writeFileAtomic, writeResult } from '@biaflow/core/internals';

/**
 * Fewer validation images than this and the thresholds are not tuned: measured on the demo (2 validation
 * images), tuned values raised validation F1 but lowered the test F1 at IoU 0.5 from 0.736 to 0.720.
 */
export const MIN_TUNING_IMAGES = 5;

interface ValidationItem {
  name: string;
  image: string;
  label?: string;
}

/**
 * StarDist's `optimize_thresholds`, for any workflow that declares tunable thresholds: the
 * validation images (split.json) are predicted once with the trained model; then, one threshold at
 * a time (coordinate ascent, two rounds, the workflow's declared values), the configured
 * post-processing runs with each candidate and the workflow's own evaluation scores it against the
 * validation labels; the values with the best main figure (F1 at IoU 0.5, F1 within the tolerance,
 * foreground IoU…) are written into the model's biaflow.json (`tuned`) and logged. A value the
 * config sets itself still wins at prediction. Returns undefined when there is nothing to tune.
 */
export async function tuneThresholds(run: RunContext, workflow: WorkflowDriver, modelDir: string): Promise<TunedDecoding | undefined> {
  const { logger, kernel } = run;
  const tunable = workflow.tunable;
  if (tunable.length === 0) return undefined;
  const splitFile = path.join(run.runDir, RunFiles.split);
  const split = fs.existsSync(splitFile) ? (JSON.parse(fs.readFileSync(splitFile, 'utf8')) as { val?: ValidationItem[] }) : {};
  const items = (split.val ?? []).filter((i) => i.label);
  if (items.length < MIN_TUNING_IMAGES) {
    logger.info(
      { event: 'tune-skipped', images: items.length },
      `${items.length} validation image(s) with labels: decoding thresholds are tuned on ${MIN_TUNING_IMAGES} or more (fewer over-fit them), the defaults stay`,
    );
    return undefined;
  }
  const step = tunable[0].step;
  const base = planPostprocess(run.config.postprocess, kernel, run.config.problem.type).plan;
  const target = base.find((s) => s.method.name === step);
  if (!target) {
    logger.info({ event: 'tune-skipped', step }, `the post-processing does not run ${step}: its thresholds are not tuned`);
    return undefined;
  }
  const options = tunable.filter((t) => t.step === step && !target.explicit.has(t.option));
  if (options.length === 0) {
    logger.info({ event: 'tune-skipped', step }, `the config sets every tunable threshold of ${step}: nothing to tune`);
    return undefined;
  }

  const resultFile = outputKindOf(kernel, workflow).file;
  if (!resultFile) {
    logger.info({ event: 'tune-skipped', step }, `the ${workflow.name} workflow's results are no files: its thresholds are not tuned`);
    return undefined;
  }

  // Predict the validation images once.
  const io = run.container.resolve<DataIO>(Tokens.DataIO);
  const infer = kernel.hooks.infer.for(workflow.name);
  const network = await openNetwork(run, modelDir);
  const raws: { item: ValidationItem; raw: Prediction }[] = [];
  try {
    for (const item of items) {
      // Validation images passed the data check: refused NaN never gets here; a replacement was told then.
      const image = screenInputImage(await io.readImage(item.image), item.image, run.config.data.nan, logger, true);
      const raw = await infer.promise({ run, name: path.basename(item.image), image, model: network });
      if (raw) raws.push({ item, raw });
    }
  } finally {
    await network.dispose();
  }

  // A temporary name of the run folder's scheme: what a killed tuning leaves is removed at the next start (tidyRunFolder).
  const scratch = temporaryPath(path.join(run.runDir, 'tuning'));
  fs.mkdirSync(scratch);
  const scratchRun = { ...run, runDir: scratch };
  const score = async (candidate: Record<string, unknown>): Promise<number> => {
    const plan: PlannedStep[] = base.map((s) => (s === target ? { ...s, options: { ...s.options, ...candidate } } : s));
    removeOutputSync(path.join(scratch, RunFiles.predictions));
    const pairs: EvaluateEvent['pairs'] = [];
    for (const { item, raw } of raws) {
      let result = raw;
      for (const s of plan) result = await s.method.run(result, s.options, { run: scratchRun });
      await writeResult(scratchRun, result, workflow.output);
      pairs.push({ name: path.basename(item.label as string), predictionPath: path.join(scratch, resultFile(stemOf(raw.name))), groundTruthPath: item.label as string });
    }
    const report = await kernel.hooks.evaluate.for(workflow.name).promise({
      run: scratchRun,
      predictionsDir: path.join(scratch, RunFiles.predictions),
      groundTruthDir: path.dirname(items[0].label as string),
      pairs,
      unpaired: [],
      io,
    });
    const value = report ? figureAt(report.overall, workflow.mainFigure.key) : null;
    if (value === null) return -Infinity;
    return workflow.mainFigure.higherIsBetter === false ? -value : value;
  };

  try {
    const current: Record<string, unknown> = Object.fromEntries(options.map((t) => [t.option, target.options[t.option]]));
    const baseline = await score(current);
    let best = baseline;
    for (let round = 0; round < 2; round++) {
      let changed = false;
      for (const t of options) {
        for (const value of t.values) {
          if (value === current[t.option]) continue;
          const s = await score({ ...current, [t.option]: value });
          // Strictly better only: on a tie the value it started from (the default) stays.
          if (s > best + 1e-12) {
            best = s;
            current[t.option] = value;
            changed = true;
          }
        }
      }
      if (!changed) break;
    }
    const sign = workflow.mainFigure.higherIsBetter === false ? -1 : 1;
    const finite = (v: number) => (Number.isFinite(v) ? sign * v : null);
    const chosen = Object.fromEntries(Object.entries(current).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
    const tuned: TunedDecoding = {
      step,
      options: chosen,
      figure: { key: workflow.mainFigure.key, label: workflow.mainFigure.label, baseline: finite(baseline), value: finite(best) },
      images: raws.length,
      created: new Date().toISOString(),
    };
    const meta = await readBundleMeta(modelDir);
    await writeFileAtomic(path.join(modelDir, BUNDLE_META), `${JSON.stringify({ ...meta, tuned }, null, 2)}\n`);
    const show = (v: number | null) => (v === null ? '-' : v.toFixed(4));
    logger.info(
      { event: 'tuned', ...tuned },
      `tuned ${step} on ${raws.length} validation image(s): ${Object.entries(chosen).map(([k, v]) => `${k} ${v}`).join(', ')} (${workflow.mainFigure.label} ${show(tuned.figure.baseline)} → ${show(tuned.figure.value)})`,
    );
    return tuned;
  } finally {
    removeOutputSync(scratch);
  }
}
