import fs from 'node:fs';
import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import { UsageError } from '../errors';
import type { RunContext } from '../kernel/run-context';
import { Tokens } from '../kernel/tokens';
import type { LogLevel } from '../logging/logger';
import { removeOutputSync } from '@biaflow/fs';
import { foreignEntries, holdsRun, isRunConfig, isRunEntry, RunFiles, STAGE_CONFIGS, stageConfigFile } from './run-files';
import { assertNoLinksInRunFolder, guardRunFolder } from '@biaflow/fs';
import { acquireRunLock, type RunLock } from '@biaflow/fs';
import { asSystemFault } from '@biaflow/fs';
import { ensureWritableFolder } from '@biaflow/fs';

export { RunFiles, stageConfigFile, holdsRun } from './run-files';

/** Where a run's results go: its post-processing variant's folder, else the run folder. */
export function resultsDirOf(run: Pick<RunContext, 'runDir' | 'resultsDir'>): string {
  return run.resultsDir ?? run.runDir;
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

interface StageOutputs {
  /** The entries whose presence means the command would replace earlier outputs. */
  outputs: readonly string[];
  /** The entries `--overwrite` removes: a new model makes every later output stale, so training removes all. */
  removes: readonly string[];
}

/** The outputs a command adds, or undefined for commands that work inside a run without adding a stage. */
function stageOutputs(command: string): StageOutputs | undefined {
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

interface RunFolderOptions {
  resume?: boolean;
  overwrite?: boolean;
  /** The command taking the folder (named to a second process that finds it busy). */
  command?: string;
  /**
   * Top-level entries the run's workflow writes besides the layout (the first path component of its
   * declared tables, e.g. a plugin workflow's `tracks.csv`): a run's files, not foreign ones.
   */
  extraEntries?: readonly string[];
}

/** What a command asks of its run (`Tokens.RunRequest`): the folder (`--out`, resolved), its flags, and the terminal's log level. */
export interface RunRequest extends RunFolderOptions {
  dir: string;
  logLevel?: LogLevel;
}

/** The run folder, held by this process until `lock.release()`. */
interface PreparedRunFolder {
  /** The run folder's real path, resolved once: every path of the run is built from it. */
  dir: string;
  /** The lock; releasing it also ends the guard against links (`guardRunFolder`). */
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
      removeOutputSync(entry);
    } catch (e) {
      throw asSystemFault(e, { file: entry, exitCode: 2 });
    }
  }
}

/** At most `n` names, then how many more. */
function someOf(names: readonly string[], n = 5): string {
  return names.length <= n ? names.join(', ') : `${names.slice(0, n).join(', ')} and ${names.length - n} more`;
}

/**
 * Refuse a folder holding files that are not a run's (`foreignEntries`), whatever the flags:
 * `--overwrite` replaces a biaflow run, never a person's folder (`run --out .` in a project,
 * `train --out data/train`).
 */
function assertOnlyRunFiles(abs: string, run: boolean, extra: readonly string[]): void {
  const foreign = foreignEntries(abs, { run, extra });
  if (foreign.length === 0) return;
  const config = path.join(abs, RunFiles.config);
  const named = foreign.map((f) => (f === RunFiles.config && fs.lstatSync(config).isFile() && !isRunConfig(config) ? `${f} (not written by biaflow)` : f));
  throw new UsageError(
    run
      ? `--out ${abs} holds a biaflow run and files that are not the run's: ${someOf(named)}`
      : `--out ${abs} is not empty and holds no biaflow run: ${someOf(named)}`,
    run
      ? 'nothing was changed; move those files out of the run folder, or choose a new or empty folder for --out'
      : 'nothing was changed; choose a new or empty folder for --out (biaflow writes, replaces and with --overwrite removes files in its run folder, so it takes only a folder of its own)',
  );
}

/**
 * Make `dir` ready to be the run folder, and take its lock (one writer per folder: a second process
 * stops with exit 2 naming this one). `dir` is resolved once, to its real path: links on the way to
 * it (`runs → /scratch/runs`) are the person's choice; links inside it are refused (below). A folder
 * holding an earlier run takes a command whose outputs it does not hold yet (train, then predict, then
 * evaluate: each adds its stage; a run that stopped before any output is started again); a command that
 * would replace outputs needs `--overwrite`, which removes exactly those outputs (training: all of them,
 * the later ones being stale), never anything else, and only once the lock is held — never under
 * another process. `--resume` continues the run. Before anything is changed: the folder is proven
 * able to hold files (`ensureWritableFolder`: a pseudo file system, a read-only mount or a full disk is
 * an exit-2 error naming the folder); a folder holding files that are not a run's is refused, with or
 * without `--overwrite`; and a symbolic link among the run's entries, at any depth, is refused
 * (`assertNoLinksInRunFolder`). From then on the folder is guarded: no write, rename or removal of
 * biaflow's helpers goes through a link inside it (`guardRunFolder`), until the lock is released.
 */
export function prepareRunFolder(dir: string, { resume = false, overwrite = false, command = 'run', extraEntries = [] }: RunFolderOptions): PreparedRunFolder {
  if (resume && overwrite) throw new UsageError('--resume and --overwrite cannot be used together');
  const given = path.resolve(dir);
  if (fs.existsSync(given) && !fs.statSync(given).isDirectory()) {
    throw new UsageError(`--out ${given} is a file, not a folder`);
  }
  ensureWritableFolder(given, '--out');
  const abs = fs.realpathSync(given);
  let tookOver: string | undefined;
  const lock = acquireRunLock(abs, command, (reason) => (tookOver = reason));
  let unguard: (() => void) | undefined;
  try {
    const earlier = holdsRun(abs);
    if (resume || NEEDS_RUN.has(command)) {
      if (!earlier) {
        throw new UsageError(
          `${resume ? '--resume' : command}: ${abs} holds no earlier run to ${resume ? 'continue' : 'work on'}`,
          resume ? 'drop --resume to start a new run there' : 'give --out the folder of a run that predicted (biaflow run / predict --out RUN)',
        );
      }
    }
    assertOnlyRunFiles(abs, earlier, extraEntries);
    assertNoLinksInRunFolder(
      abs,
      fs.readdirSync(abs).filter((name) => isRunEntry(name, extraEntries)),
    );
    unguard = guardRunFolder(abs);
    const held: RunLock = {
      ...lock,
      release: () => {
        unguard?.();
        lock.release();
      },
    };
    if (resume || NEEDS_RUN.has(command)) return { dir: abs, lock: held, earlier, tookOver };
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
    }
    return { dir: abs, lock: held, earlier, tookOver };
  } catch (e) {
    unguard?.();
    lock.release();
    throw e;
  }
}

/**
 * The run's folder (`Tokens.RunFolder`), as the run's container builds it from the command's request:
 * made ready and locked (`prepareRunFolder`, whose errors it throws). One per run; the run releases
 * its lock when it closes (`startRun`).
 */
@injectable()
export class RunFolder implements PreparedRunFolder {
  readonly dir: string;
  readonly lock: RunLock;
  readonly earlier: boolean;
  readonly tookOver?: string;

  constructor(@inject(Tokens.RunRequest) request: RunRequest) {
    ({ dir: this.dir, lock: this.lock, earlier: this.earlier, tookOver: this.tookOver } = prepareRunFolder(request.dir, request));
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
