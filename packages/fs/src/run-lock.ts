import fs from 'node:fs';
import path from 'node:path';
import { BiaflowError, UsageError } from './errors';
import { createExclusiveSync, temporaryPath } from './atomic-write';
import { describeBusy, lockStat, lockTiming, parseHolder, readHolder, readLockText, sameHolding, staleReason, thisHolder, type LockHolder } from './lock-holder';

/** The lock file of a run folder: held by the one process that writes to it. */
export const LOCK_FILE = '.biaflow.lock';

/**
 * This process's run folder was taken over by another process while it worked (only a holder
 * elsewhere can lose its lock: another machine that saw it silent for 60 s, as after a suspend on a
 * network file system, or a person who removed the lock file). Exit 1: the run failed part-way.
 */
export class RunFolderTakenError extends BiaflowError {
  constructor(dir: string, by: LockHolder | undefined) {
    const who = by ? `process ${by.pid} on ${by.host} (biaflow ${by.command}, since ${by.started})` : 'another process';
    super(`run folder ${dir} was taken over by ${who} while this process (${process.pid}) was writing to it`, {
      hint: "this run stopped so as not to write into the other run's files (which may have replaced this run's): run it again with another --out",
    });
  }
}

export interface RunLock {
  readonly file: string;
  /**
   * Aborted, with a `RunFolderTakenError` as its reason, when the heartbeat finds the lock held by
   * another process: the run then stops at its next safe point (`stopIfAsked`).
   */
  readonly lost: AbortSignal;
  /** Stop the heartbeat and remove the lock (when it is still this process's). */
  release(): void;
}

function writeHolder(file: string, holder: LockHolder, exclusive: boolean): void {
  if (exclusive) {
    // O_EXCL: exactly one process creates the lock, however many try at once.
    const fd = fs.openSync(file, 'wx');
    try {
      fs.writeSync(fd, JSON.stringify(holder));
    } finally {
      fs.closeSync(fd);
    }
    return;
  }
  // Created exclusively: a link planted under the temporary name is replaced, never written through.
  const tmp = temporaryPath(file);
  const fd = createExclusiveSync(tmp);
  try {
    fs.writeSync(fd, JSON.stringify(holder));
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Remove a stale lock, unless it changed since it was judged (another process took it over first). */
function removeStale(file: string, judged: string | undefined): boolean {
  if (readLockText(file) !== judged) return false;
  try {
    fs.rmSync(file, { force: true });
    return true;
  } catch (e) {
    throw new UsageError(`cannot remove the stale lock ${file} (${(e as Error).message})`, 'remove it by hand once no process uses the run folder');
  }
}

/**
 * Take the run folder for this process: one writer per folder. A second `run`, `--resume`,
 * `predict`, `postprocess` or `--overwrite` on a busy folder stops with exit 2 naming the process
 * that holds it (and, when that one is alive but stopped or silent, how to resume or end it). A lock
 * is taken over only when its holder is gone (`staleReason`: never from a live process on this
 * machine), with `onStale` told why. The heartbeat is refreshed every 10 s while the process lives;
 * each beat first checks the lock is still this process's, and when another process holds it,
 * stops beating and aborts `lost`. A lock file removed by someone is made again. The lock goes when
 * the run closes or the process exits.
 */
export function acquireRunLock(dir: string, command: string, onStale?: (reason: string) => void): RunLock {
  const file = path.join(dir, LOCK_FILE);
  const holder = thisHolder(command);
  for (let attempt = 0; ; attempt++) {
    try {
      writeHolder(file, holder, true);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const text = readLockText(file);
      const current = parseHolder(text);
      const stale = staleReason(file, current);
      if (!stale || attempt > 2) {
        const { message, hint } = describeBusy(dir, file, current);
        throw new UsageError(message, hint);
      }
      if (removeStale(file, text)) onStale?.(stale);
    }
  }
  let held = true;
  const lost = new AbortController();
  const beat = setInterval(() => {
    if (!held) return;
    try {
      if (!lockStat(file)) {
        writeHolder(file, { ...holder, heartbeat: new Date().toISOString() }, true);
        return;
      }
      const current = readHolder(file);
      if (!sameHolding(current, holder)) {
        clearInterval(beat);
        lost.abort(new RunFolderTakenError(dir, current));
        return;
      }
      writeHolder(file, { ...holder, heartbeat: new Date().toISOString() }, false);
    } catch {
      /* a missed heartbeat only ages the lock; the next one tries again (and judges an EEXIST) */
    }
  }, lockTiming().heartbeatMs);
  beat.unref();
  const release = () => {
    if (!held) return;
    held = false;
    clearInterval(beat);
    process.off('exit', release);
    if (sameHolding(readHolder(file), holder)) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, lost: lost.signal, release };
}
