import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, InputError } from '../errors';
import type { DataIO } from '../kernel/contributions/data-layout';
import type { RunContext } from '../kernel/run-context';
import { Tokens } from '../kernel/tokens';
import type { EvaluateEvent, MetricsReport } from '../kernel/stages';
import { stemOf } from './prediction-files';
import { resultsDirOf, RunFiles } from './run-folder';

/**
 * Result and ground-truth files of a folder: images and point CSVs, not the tables a workflow
 * writes there (`skip`: their file names).
 */
export function listResultFiles(dir: string, extensions: readonly string[], skip: readonly string[] = []): string[] {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new InputError('does not exist', { file: dir });
  if (stat.isFile()) return [path.resolve(dir)];
  const exts = new Set([...extensions, '.csv']);
  return fs
    .readdirSync(dir)
    .filter((f) => !f.startsWith('.') && !skip.includes(f) && exts.has(path.extname(f).toLowerCase()))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Pair predictions with ground truth by file stem. */
export function pairByStem(
  predictionsDir: string,
  groundTruthDir: string,
  extensions: readonly string[],
  skip: readonly string[] = [],
): Pick<EvaluateEvent, 'pairs' | 'unpaired'> {
  const truth = new Map(listResultFiles(groundTruthDir, extensions, skip).map((f) => [stemOf(f), f]));
  const pairs: EvaluateEvent['pairs'] = [];
  const unpaired: string[] = [];
  for (const p of listResultFiles(predictionsDir, extensions, skip)) {
    const gt = truth.get(stemOf(p));
    if (gt) {
      pairs.push({ name: path.basename(gt), predictionPath: p, groundTruthPath: gt });
      truth.delete(stemOf(p));
    } else unpaired.push(p);
  }
  unpaired.push(...truth.values());
  return { pairs, unpaired };
}

/** Score the predictions against the ground truth through the workflow's `evaluate` hook. */
export async function evaluateStage(run: RunContext, dirs: { predictions?: string; groundTruth?: string } = {}): Promise<MetricsReport | undefined> {
  const { config, kernel, logger } = run;
  const workflow = kernel.workflow(config.problem.type);
  const predictionsDir = dirs.predictions ?? path.join(resultsDirOf(run), RunFiles.predictions);
  // Test images in class sub-folders are their own ground truth.
  const groundTruthDir = dirs.groundTruth ?? config.data.test.labels ?? (testImagesCarryLabels(run) ? config.data.test.images : undefined);
  if (!groundTruthDir) {
    throw new ConfigError([{ path: 'data.test.labels', message: 'required to evaluate: the folder of ground-truth labels' }]);
  }
  const tables = workflow.tables.map((t) => path.basename(t.file));
  const io = run.container.resolve<DataIO>(Tokens.DataIO);
  const { pairs, unpaired } = pairByStem(predictionsDir, groundTruthDir, io.extensions, tables);
  if (unpaired.length) {
    logger.warn({ event: 'unpaired', files: unpaired }, `${unpaired.length} file(s) without a twin are not scored: ${unpaired.map((f) => path.basename(f)).join(', ')}`);
  }
  return kernel.hooks.evaluate.for(config.problem.type).promise({ run, predictionsDir, groundTruthDir, pairs, unpaired, io });
}

/** True when the test images carry their own ground truth (class sub-folders), as the workflow's data layout says. */
export function testImagesCarryLabels(run: Pick<RunContext, 'workflow' | 'config'>): boolean {
  const dir = run.config.data.test.images;
  return Boolean(dir) && run.workflow.data.testImagesCarryLabels(dir as string);
}
