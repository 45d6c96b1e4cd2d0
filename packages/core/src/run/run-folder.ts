import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors';
import type { RunContext } from '../kernel/run-context';
import { acquireRunLock, LOCK_FILE, type RunLock } from './run-lock';
import { asSystemFault } from './system-faults';
import { ensureWritableFolder } from './writable-folder';

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

/** Where a run's results go: its post-processing variant's folder, else the run folder. */
export function resultsDirOf(run: Pick<RunContext, 'runDir' | 'resultsDir'>): string {
  return run.resultsDir ?? run.runDir;
}

/** Entries whose presence means a folder holds a biaflow run. */
const RUN_MARKERS = [RunFiles.config, RunFiles.log];

export function holdsRun(dir: string): boolean {
  return RUN_MARKERS.some((f) => fs.existsSync(path.join(dir, f)));
}

/**
 * What each command adds to a run folder (docs/outputs.md, "Which command adds what"): the outputs of
 * its stages. A command whose outputs are not there yet adds them to a folder holding a run; one whose
 * outputs are there would replace them, and needs `--overwrite`.
 */
const TRAIN_OUTPUTS = [RunFiles.model, RunFiles.checkpoints, RunFiles.trainMetrics, RunFiles.split];
const METRICS_OUTPUTS = [RunFiles.metrics, RunFiles.metricsCsv];
const PREDICT_OUTPUTS = [RunFiles.probabilities, RunFiles.predictions, RunFiles.objects, ...METRICS_OUTPUTS, RunFiles.variants];
const ALL_OUTPUTS = [...TRAIN_OUTPUTS, ...PREDICT_OUTPUTS];

/**
 * The resolved config of a command that added its stage to an earlier run (`config.predict.yaml`):
 * `config.yaml` stays the config the run started with, which `--resume` and later commands read.
 */
export function stageConfigFile(command: string): string {
  return `config.${command}.yaml`;
}
const STAGE_CONFIGS = ['predict', 'postprocess', 'evaluate'].map(stageConfigFile);

export interface StageOutputs {
  /** The entries whose presence means the command would replace earlier outputs. */
  outputs: readonly string[];
  /** The entries `--overwrite` removes: a new model makes every later output stale, so training removes all. */
  removes: readonly string[];
}

/** The outputs a command adds, or undefined for commands that work inside a run without adding a stage. */
export function stageOutputs(command: string): StageOutputs | undefined {
  switch (command) {
    case 'run':
      return { outputs: ALL_OUTPUTS, removes: [...Object.values(RunFiles), ...STAGE_CONFIGS] };
    case 'train':
      return { outputs: TRAIN_OUTPUTS, removes: [...Object.values(RunFiles), ...STAGE_CONFIGS] };
    case 'predict':
      return { outputs: PREDICT_OUTPUTS, removes: [...PREDICT_OUTPUTS, ...STAGE_CONFIGS] };
    case 'evaluate':
      return { outputs: METRICS_OUTPUTS, removes: [...METRICS_OUTPUTS, stageConfigFile('evaluate')] };
    default:
      return undefined;
  }
}

/** Commands that only work inside an existing run (post-processing its saved outputs, tuning its model). */
const NEEDS_RUN = new Set(['postprocess', 'tune']);

export interface RunFolderOptions {
  resume?: boolean;
  overwrite?: boolean;
  /** The command taking the folder (named to a second process that finds it busy). */
  command?: string;
}

/** The run folder, held by this process until `lock.release()`. */
export interface PreparedRunFolder {
  dir: string;
  lock: RunLock;
  /** True when the folder held an earlier run that this command adds to (or continues). */
  earlier: boolean;
  /** Why the lock found in the folder was stale, when this process took it over (for the run log). */
  tookOver?: string;
}

function remove(abs: string, names: readonly string[]): void {
  for (const name of names) {
    const entry = path.join(abs, name);
    try {
      fs.rmSync(entry, { recursive: true, force: true });
    } catch (e) {
      throw asSystemFault(e, { file: entry, exitCode: 2 });
    }
  }
}

/**
 * Make `dir` ready to be the run folder, and take its lock (one writer per folder: a second process
 * stops with exit 2 naming this one). A folder holding an earlier run takes a command whose outputs it
 * does not hold yet (train, then predict, then evaluate: each adds its stage; a run that stopped before
 * any output is started again); a command that would replace outputs needs `--overwrite`, which removes
 * exactly those outputs (training: all of them, the later ones being stale), never anything else, and
 * only once the lock is held — never under another process. `--resume` continues the run. Before
 * anything is changed, the folder is proven able to hold files (`ensureWritableFolder`): a pseudo file
 * system, a read-only mount or a full disk is an exit-2 error naming the folder.
 */
export function prepareRunFolder(dir: string, { resume = false, overwrite = false, command = 'run' }: RunFolderOptions): PreparedRunFolder {
  const abs = path.resolve(dir);
  if (resume && overwrite) throw new UsageError('--resume and --overwrite cannot be used together');
  if (fs.existsSync(abs) && !fs.statSync(abs).isDirectory()) {
    throw new UsageError(`--out ${abs} is a file, not a folder`);
  }
  ensureWritableFolder(abs, '--out');
  let tookOver: string | undefined;
  const lock = acquireRunLock(abs, command, (reason) => (tookOver = reason));
  try {
    const earlier = holdsRun(abs);
    if (resume || NEEDS_RUN.has(command)) {
      if (!earlier) {
        throw new UsageError(
          `${resume ? '--resume' : command}: ${abs} holds no earlier run to ${resume ? 'continue' : 'work on'}`,
          resume ? 'drop --resume to start a new run there' : 'give --out the folder of a run that predicted (biaflow run / predict --out RUN)',
        );
      }
      return { dir: abs, lock, earlier, tookOver };
    }
    const stage = stageOutputs(command);
    if (earlier && stage) {
      const present = stage.outputs.filter((name) => fs.existsSync(path.join(abs, name)));
      if (present.length && !overwrite) {
        throw new UsageError(
          `run folder ${abs} already holds a run with the outputs ${command} would replace: ${present.join(', ')}`,
          `pass --overwrite to replace them (${command === 'train' || command === 'run' ? 'the whole run' : stage.removes.join(', ')}), --resume to continue the interrupted run, or choose another --out`,
        );
      }
      if (overwrite) remove(abs, stage.removes);
    } else if (earlier) {
      // Other commands (augment-preview, contributed ones) do not add a stage to a run.
      if (!overwrite) throw new UsageError(`run folder ${abs} already holds a run`, 'pass --overwrite to replace it, or choose another --out');
      remove(abs, [...Object.values(RunFiles), ...STAGE_CONFIGS]);
    } else if (!earlier && fs.readdirSync(abs).some((f) => f !== LOCK_FILE) && !overwrite) {
      throw new UsageError(`--out ${abs} is not empty and holds no biaflow run`, 'choose a new or empty folder');
    }
    return { dir: abs, lock, earlier, tookOver };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** `runs/<yyyymmdd-hhmmss>-<workflow>` under the working directory. */
export function defaultRunDir(problem: string, cwd = process.cwd(), now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(
    now.getMinutes(),
  )}${pad(now.getSeconds())}`;
  return path.join(cwd, 'runs', `${stamp}-${problem}`);
}
