import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ResolvedConfig } from '../kernel/config/schema';
import { checkSettingsFileSize } from '@biaflow/fs';
import { UsageError } from '../errors';
import type { Kernel } from '../kernel/kernel';
import { planPostprocess } from '../config/postprocess-plan';
import { removeOutputSync } from '@biaflow/fs';
import { RunFiles, stageConfigFile } from './run-files';
import { assertNoLinkInRunFolder } from '@biaflow/fs';
import { asSystemFault } from '@biaflow/fs';

/** One result of a run's post-processing: the first one (the run folder's top level) or a variant `postprocess/<n>/`. */
export interface PostprocessVariant {
  /** `top` for the first result, else the variant's number as a string. */
  name: string;
  dir: string;
  /** The `postprocess:` steps its config.yaml lists (undefined when it has no readable config). */
  steps?: readonly ({ method: string } & Record<string, unknown>)[];
}

/** The outputs of one post-processing result (the network outputs in `probabilities/` are shared, never among them). */
const RESULT_OUTPUTS = [RunFiles.predictions, RunFiles.objects, RunFiles.metrics, RunFiles.metricsCsv, RunFiles.report, RunFiles.reportPictures];

/** The steps a result's config lists: at the top level, the config of the command that wrote the result last. */
function stepsIn(dir: string, top = false): PostprocessVariant['steps'] {
  const names = top ? [stageConfigFile('postprocess'), stageConfigFile('predict'), RunFiles.config] : [RunFiles.config];
  const file = names.map((n) => path.join(dir, n)).find((f) => fs.existsSync(f));
  if (!file) return undefined;
  try {
    checkSettingsFileSize(file, "a run's config");
    const parsed = YAML.parse(fs.readFileSync(file, 'utf8')) as { postprocess?: PostprocessVariant['steps'] } | null;
    return parsed?.postprocess ?? [];
  } catch {
    return undefined;
  }
}

/** The run's post-processing results: the first one, when the top level holds one, then `postprocess/1`, `2`, … */
export function listPostprocessVariants(runDir: string): PostprocessVariant[] {
  const out: PostprocessVariant[] = [];
  if (holdsResult(runDir)) out.push({ name: 'top', dir: runDir, steps: stepsIn(runDir, true) });
  const root = path.join(runDir, RunFiles.variants);
  if (!fs.existsSync(root)) return out;
  const numbers = fs
    .readdirSync(root)
    .filter((n) => /^[1-9]\d*$/.test(n) && fs.lstatSync(path.join(root, n)).isDirectory())
    .map(Number)
    .sort((a, b) => a - b);
  for (const n of numbers) out.push({ name: String(n), dir: path.join(root, String(n)), steps: stepsIn(path.join(root, String(n))) });
  return out;
}

/** True when `dir` holds a post-processing result (predictions or metrics). */
function holdsResult(dir: string): boolean {
  const predictions = path.join(dir, RunFiles.predictions);
  return (fs.existsSync(predictions) && fs.readdirSync(predictions).some((f) => !f.startsWith('.'))) || fs.existsSync(path.join(dir, RunFiles.metrics));
}

/**
 * The steps as they run, defaults filled in, in a stable text: two configs that post-process alike give
 * the same text whatever options they leave to their defaults.
 */
export function postprocessSettings(steps: readonly ({ method: string } & Record<string, unknown>)[], kernel: Kernel, problem: ResolvedConfig['problem']['type']): string {
  const sorted = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
  return JSON.stringify(planPostprocess(steps, kernel, problem).plan.map((s) => [s.method.name, sorted(s.options)]));
}

/**
 * Where `biaflow postprocess` writes in `runDir`: the top level while it holds no result (the first
 * result stays there); else the result that has the same settings, which only `--overwrite` replaces
 * (emptied first) and `--resume` continues (kept: its finished images are skipped); else a new variant
 * `postprocess/<n>/`.
 */
export function choosePostprocessVariant(runDir: string, config: ResolvedConfig, kernel: Kernel, overwrite: boolean, resume = false): PostprocessVariant {
  // Nothing is looked at, or written, through a link planted in the run folder.
  for (const name of [...RESULT_OUTPUTS, RunFiles.variants]) assertNoLinkInRunFolder(runDir, path.join(runDir, name));
  const variants = listPostprocessVariants(runDir);
  if (variants.length === 0) return { name: 'top', dir: runDir, steps: config.postprocess };
  const wanted = postprocessSettings(config.postprocess, kernel, config.problem.type);
  const same = variants.find((v) => v.steps && postprocessSettings(v.steps, kernel, config.problem.type) === wanted);
  if (same) {
    const where = same.name === 'top' ? `${runDir} (the first result)` : same.dir;
    if (!overwrite && holdsResult(same.dir)) {
      throw new UsageError(
        `${where} already holds the result of these post-processing settings`,
        'pass --overwrite to write it again, or change the settings (e.g. --set postprocess=[...]) to write a new variant; biaflow compare --out RUN lists them',
      );
    }
    // --resume keeps what the interrupted run wrote (its finished images are skipped); --overwrite starts it again.
    for (const name of resume ? [] : RESULT_OUTPUTS) {
      const entry = path.join(same.dir, name);
      try {
        removeOutputSync(entry);
      } catch (e) {
        throw asSystemFault(e, { file: entry, exitCode: 2 });
      }
    }
    return { ...same, steps: config.postprocess };
  }
  const last = Math.max(0, ...variants.filter((v) => v.name !== 'top').map((v) => Number(v.name)));
  const name = String(last + 1);
  const dir = path.join(runDir, RunFiles.variants, name);
  assertNoLinkInRunFolder(runDir, dir);
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw asSystemFault(e, { file: dir, exitCode: 2 });
  }
  return { name, dir, steps: config.postprocess };
}
