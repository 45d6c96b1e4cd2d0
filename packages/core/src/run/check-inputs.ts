import fs from 'node:fs';
import path from 'node:path';
import type { DataProblem, TestImage } from '../kernel/contributions/data-layout';
import { InputError } from '../errors';
import { printable } from '@biaflow/image';
import { hiddenFiles, isHiddenName } from '../data/list-image-files';
import type { RunContext } from '../kernel/run-context';
import { outputKindOf } from './output-kind-of';
import { outputNameProblems } from './output-names';
import { listTestImages } from './predict-stage';

/** Which stages will read which data (a `StagePlan`'s fields). */
interface InputPlan {
  train: boolean;
  predict: boolean;
  evaluate: boolean;
}

/**
 * Checks of the run's inputs made before any work (no training, no output): the test images to
 * predict must each file their results under a name of their own (two images with one stem would
 * overwrite each other's results), and hidden files in the data folders, which are ignored, are
 * listed in one warning.
 */
export function checkInputsBeforeWork(run: RunContext, plan: InputPlan): void {
  warnHiddenFiles(run, plan);
  if (plan.predict && run.command !== 'postprocess') checkTestImageNames(run);
}

function checkTestImageNames(run: RunContext): void {
  const { config, kernel } = run;
  const dir = config.data.test.images;
  if (!dir) return;
  let images: TestImage[];
  try {
    images = listTestImages(run, dir);
  } catch {
    return; // a folder that cannot be listed is reported, with the other data problems, where it is read
  }
  const problems = outputNameProblems(images, outputKindOf(kernel, kernel.workflow(config.problem.type)));
  if (!problems.length) return;
  const lines = groupByFile(problems).map(({ file, messages }) => `  ${printable(file)}: ${messages.join('; ')}`);
  throw new InputError(`${lines.length} test image${lines.length === 1 ? '' : 's'} cannot file their results under their names (checked before any work):\n${lines.join('\n')}`, {
    hint: 'rename these files, then run again; nothing was trained or written',
  });
}

/** The data folders the run reads, with their sub-folders (class folders). */
function dataFolders(run: RunContext, plan: InputPlan): string[] {
  const { train, val, test } = run.config.data;
  const dirs = [
    ...(plan.train ? [train.images, train.labels, val.images, val.labels] : []),
    ...(plan.predict || plan.evaluate ? [test.images, test.labels] : []),
  ].filter((d): d is string => typeof d === 'string');
  const withSubfolders = dirs.flatMap((dir) => {
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
    const subs = fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !isHiddenName(e.name))
      .map((e) => path.join(dir, e.name));
    return [dir, ...subs];
  });
  return [...new Set(withSubfolders.map((d) => path.resolve(d)))];
}

const SHOWN = 20;

function warnHiddenFiles(run: RunContext, plan: InputPlan): void {
  const files = [...new Set(dataFolders(run, plan).flatMap(hiddenFiles))];
  if (!files.length) return;
  const shown = files.slice(0, SHOWN).join(', ') + (files.length > SHOWN ? `, and ${files.length - SHOWN} more` : '');
  run.logger.warn({ event: 'hidden-files', files }, `${files.length} hidden file(s) in the data folders are ignored: ${shown}`);
}

/** One entry per file, in the order first reported, its messages joined. */
export function groupByFile(problems: readonly DataProblem[]): { file: string; messages: string[] }[] {
  const byFile = new Map<string, string[]>();
  for (const p of problems) {
    const list = byFile.get(p.file);
    if (list) {
      if (!list.includes(p.message)) list.push(p.message);
    } else byFile.set(p.file, [p.message]);
  }
  return [...byFile].map(([file, messages]) => ({ file, messages }));
}
