import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors';
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
});

/** Entries whose presence means a folder holds a biaflow run. */
const RUN_MARKERS = [RunFiles.config, RunFiles.log];

export function holdsRun(dir: string): boolean {
  return RUN_MARKERS.some((f) => fs.existsSync(path.join(dir, f)));
}

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
}

/**
 * Make `dir` ready to be the run folder, and take its lock (one writer per folder: a second process
 * stops with exit 2 naming this one). A folder holding an earlier run is refused unless the run is
 * resumed or overwritten; overwriting removes only the run's own files, never anything else, and
 * only once the lock is held — never under another process. Before anything is changed, the folder
 * is proven able to hold files (`ensureWritableFolder`): a pseudo file system, a read-only mount or a
 * full disk is an exit-2 error naming the folder.
 */
export function prepareRunFolder(dir: string, { resume = false, overwrite = false, command = 'run' }: RunFolderOptions): PreparedRunFolder {
  const abs = path.resolve(dir);
  if (resume && overwrite) throw new UsageError('--resume and --overwrite cannot be used together');
  if (fs.existsSync(abs) && !fs.statSync(abs).isDirectory()) {
    throw new UsageError(`--out ${abs} is a file, not a folder`);
  }
  ensureWritableFolder(abs, '--out');
  const lock = acquireRunLock(abs, command);
  try {
    const earlier = holdsRun(abs);
    if (resume) {
      if (!earlier) throw new UsageError(`--resume: ${abs} holds no earlier run to continue`, 'drop --resume to start a new run there');
      return { dir: abs, lock };
    }
    if (earlier) {
      if (!overwrite) {
        throw new UsageError(`run folder ${abs} already holds a run`, 'pass --resume to continue it, --overwrite to replace it, or choose another --out');
      }
      for (const name of Object.values(RunFiles)) {
        const entry = path.join(abs, name);
        try {
          fs.rmSync(entry, { recursive: true, force: true });
        } catch (e) {
          throw asSystemFault(e, { file: entry, exitCode: 2 });
        }
      }
    } else if (fs.readdirSync(abs).some((f) => f !== LOCK_FILE) && !overwrite) {
      throw new UsageError(`--out ${abs} is not empty and holds no biaflow run`, 'choose a new or empty folder');
    }
    return { dir: abs, lock };
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
