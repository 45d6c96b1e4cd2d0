import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors';
import { temporaryPath } from '../fs/atomic-write';

/** The lock file of a run folder: held by the one process that writes to it. */
export const LOCK_FILE = '.biaflow.lock';
/** How often the holder refreshes its heartbeat. */
export const HEARTBEAT_MS = 10_000;
/** A heartbeat older than this means the holder is gone (a crash, a machine that stopped). */
export const STALE_MS = 60_000;

/** What the lock file says about its holder. */
export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  started: string;
  heartbeat: string;
}

export interface RunLock {
  readonly file: string;
  /** Stop the heartbeat and remove the lock (when it is still this process's). */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why a lock no longer holds, or undefined while it does: its process is gone from this host, or
 * its heartbeat stopped (a crash on another host sharing the folder), or the file is unreadable and
 * old (a write cut short).
 */
export function staleReason(file: string, holder: LockHolder | undefined, now = Date.now()): string | undefined {
  if (!holder) {
    const age = now - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
    return age > 5_000 ? 'an unreadable lock file' : undefined;
  }
  if (holder.host === os.hostname() && !alive(holder.pid)) return `process ${holder.pid} on ${holder.host} is no longer running`;
  const beat = Date.parse(holder.heartbeat);
  if (!Number.isFinite(beat) || now - beat > STALE_MS) return `its last heartbeat (${holder.heartbeat}) is older than ${STALE_MS / 1000} s`;
  return undefined;
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
  const tmp = temporaryPath(file);
  fs.writeFileSync(tmp, JSON.stringify(holder));
  fs.renameSync(tmp, file);
}

/**
 * Take the run folder for this process: one writer per folder. A second `run`, `--resume`,
 * `predict`, `postprocess` or `--overwrite` on a busy folder stops with exit 2 naming the running
 * process; a lock left by a crash (its process gone from this host, or no heartbeat for a minute
 * from another host sharing the folder) is taken over, with `onStale` told why. The heartbeat is
 * refreshed every 10 s while the process lives; the lock goes when the run closes or the process exits.
 */
export function acquireRunLock(dir: string, command: string, onStale?: (reason: string) => void): RunLock {
  const file = path.join(dir, LOCK_FILE);
  const now = new Date().toISOString();
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), command, started: now, heartbeat: now };
  for (let attempt = 0; ; attempt++) {
    try {
      writeHolder(file, holder, true);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const current = readHolder(file);
      const stale = staleReason(file, current);
      if (!stale || attempt > 0) {
        const who = current ? `process ${current.pid} on ${current.host} (biaflow ${current.command}, since ${current.started})` : 'another process';
        throw new UsageError(`run folder ${dir} is in use by ${who}`, `wait for it to finish, or choose another --out; a lock left by a crash is taken over once its process is gone (${file})`);
      }
      onStale?.(stale);
      fs.rmSync(file, { force: true });
    }
  }
  let held = true;
  const ours = () => readHolder(file)?.pid === process.pid && readHolder(file)?.host === holder.host;
  const beat = setInterval(() => {
    if (!held || !ours()) return;
    try {
      writeHolder(file, { ...holder, heartbeat: new Date().toISOString() }, false);
    } catch {
      /* a missed heartbeat only ages the lock; the next one tries again */
    }
  }, HEARTBEAT_MS);
  beat.unref();
  const release = () => {
    if (!held) return;
    held = false;
    clearInterval(beat);
    process.off('exit', release);
    if (ours()) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, release };
}
