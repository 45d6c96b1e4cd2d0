import fs from 'node:fs';
import path from 'node:path';
import { CORE_NAME } from '../kernel/version';
import { parseTemporaryName } from '@biaflow/fs';
import { LOCK_FILE } from '@biaflow/fs';

/** Names of the run-folder layout (docs/outputs.md). Later features add entries; none is renamed. */
export const RunFiles = Object.freeze({
  config: 'config.yaml',
  log: 'log.jsonl',
  model: 'model',
  checkpoints: 'checkpoints',
  predictions: 'predictions',
  probabilities: 'probabilities',
  metrics: 'metrics.json',
  metricsCsv: 'metrics.csv',
  trainMetrics: 'train_metrics.csv',
  split: 'split.json',
  objects: 'objects.csv',
  report: 'report.html',
  reportPictures: 'report',
  /** Post-processing variants: `postprocess/<n>/`, each with its own config, predictions, tables and metrics. */
  variants: 'postprocess',
});

/**
 * The resolved config of a command that added its stage to an earlier run (`config.predict.yaml`):
 * `config.yaml` stays the config the run started with, which `--resume` and later commands read.
 */
export function stageConfigFile(command: string): string {
  return `config.${command}.yaml`;
}
export const STAGE_CONFIGS: readonly string[] = ['predict', 'postprocess', 'evaluate'].map(stageConfigFile);

/** The scratch folders `biaflow tune` makes in the run folder while it scores candidates (`.tuning-XXXXXX`). */
const TUNING_SCRATCH_PREFIX = '.tuning-';

/** What `biaflow augment-preview` writes beside its config and log (`01-a-before.png`, `augment-preview.json`). */
export const AUGMENT_PREVIEW_LOG = 'augment-preview.json';
const AUGMENT_PREVIEW_PICTURE = /^\d+-.+-(before|after)\.png$/;

/**
 * Entries an operating system or file server puts in any folder it shows or serves: Finder's
 * `.DS_Store` and `._<name>` AppleDouble files, Windows Explorer's `Thumbs.db` and `desktop.ini`,
 * NFS's `.nfs<hex>` files (a file removed while open). Nobody's data; biaflow never removes them.
 */
function isSystemMetadata(name: string): boolean {
  return name === '.DS_Store' || name === 'Thumbs.db' || name === 'desktop.ini' || name.startsWith('._') || /^\.nfs[0-9a-fA-F]+$/.test(name);
}

/** Entries biaflow may leave in any folder it was given as `--out`, run or not: its lock and temporary files. */
function isBiaflowBookkeeping(name: string): boolean {
  return name === LOCK_FILE || parseTemporaryName(name) !== undefined || name.startsWith(TUNING_SCRATCH_PREFIX);
}

/** The layout's names (top level of a run folder), stage configs included. */
const LAYOUT = new Set<string>([...Object.values(RunFiles), ...STAGE_CONFIGS]);

/**
 * Whether the top-level entry `name` is one a run's folder holds: the layout, a stage config, the
 * lock, a temporary file, augment-preview's pictures, or one of `extra` (the first path component of
 * a workflow's declared tables, e.g. a plugin workflow's `tracks.csv`).
 */
export function isRunEntry(name: string, extra: readonly string[] = []): boolean {
  return LAYOUT.has(name) || isBiaflowBookkeeping(name) || name === AUGMENT_PREVIEW_LOG || AUGMENT_PREVIEW_PICTURE.test(name) || extra.includes(name);
}

/** The first bytes of `file` when it is a regular file (never read through a link), else undefined. */
function head(file: string, bytes: number): string | undefined {
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) return undefined;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const buffer = Buffer.alloc(Math.min(bytes, stat.size));
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, n).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The first line biaflow writes into every config it saves in a run folder (`# resolved by @biaflow/core 0.1.0 from …`). */
const CONFIG_HEADER = `# resolved by ${CORE_NAME} `;

/** True when `file` is a config biaflow saved in a run folder (its first line says so), not a person's own `config.yaml`. */
export function isRunConfig(file: string): boolean {
  return head(file, CONFIG_HEADER.length)?.startsWith(CONFIG_HEADER) ?? false;
}

/** True when `file` is a run's log: pino's JSON lines (`{"level":30,"time":…`), or empty (a run killed before its first line). */
function isRunLog(file: string): boolean {
  const text = head(file, 64);
  return text !== undefined && (text === '' || /^\{"level":\d+,"time":\d+,/.test(text));
}

/**
 * Whether `dir` holds a biaflow run: a run's log (every run opens `log.jsonl` first, before it writes
 * anything else), and no `config.yaml` but the one biaflow saved. A person's own `config.yaml`, or a
 * run's config copied into a project folder as a starting point, does not make a run folder.
 */
export function holdsRun(dir: string): boolean {
  const config = path.join(dir, RunFiles.config);
  return isRunLog(path.join(dir, RunFiles.log)) && (!fs.lstatSync(config, { throwIfNoEntry: false }) || isRunConfig(config));
}

/**
 * The top-level entries of `dir` that are not a run's (sorted; folders with a trailing `/`): in a
 * folder holding a run, those `isRunEntry` does not know; in any other folder, everything but
 * biaflow's lock and temporary files and the operating system's metadata files.
 */
export function foreignEntries(dir: string, { run, extra = [] }: { run: boolean; extra?: readonly string[] }): string[] {
  const entries = fs.readdirSync(dir, { withFileTypes: true });
  return entries
    .filter((e) => !isSystemMetadata(e.name) && (run ? !isRunEntry(e.name, extra) : !isBiaflowBookkeeping(e.name)))
    .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
    .sort();
}
