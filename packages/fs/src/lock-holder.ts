import fs from 'node:fs';
import { isRunning, isStopped, processStart, sameProcessTable, thisProcessTable, type ProcessTable } from './process-identity';

/** How often the holder refreshes its heartbeat. */
export const HEARTBEAT_MS = 10_000;
/** A heartbeat older than this means a holder on another machine is gone (a crash, a machine that stopped). */
export const STALE_MS = 60_000;
/** An unreadable lock file older than this is a write cut short, not a lock being written. */
const UNREADABLE_MS = 5_000;

/**
 * The lock's times. `BIAFLOW_TEST_LOCK_STALE_MS` (tests only, docs/security.md) shortens the 60 s
 * after which another machine's silent lock is stale; the heartbeat then comes six times as often.
 */
export function lockTiming(env: NodeJS.ProcessEnv = process.env): { staleMs: number; heartbeatMs: number } {
  const ms = Number(env.BIAFLOW_TEST_LOCK_STALE_MS);
  const staleMs = env.BIAFLOW_TEST_LOCK_STALE_MS !== undefined && Number.isFinite(ms) && ms > 0 ? ms : STALE_MS;
  return { staleMs, heartbeatMs: Math.min(HEARTBEAT_MS, staleMs / 6) };
}

/** What the lock file says about its holder. */
export interface LockHolder extends ProcessTable {
  pid: number;
  command: string;
  /** When it took the lock (ISO time): with pid and host, tells this holding from any other. */
  started: string;
  heartbeat: string;
  /** The holder's start time (`/proc/<pid>/stat` field 22), where there is one: a reused pid is not the holder. */
  processStart?: string;
}

/** This process as the holder of a lock taken now for `command`. */
export function thisHolder(command: string): LockHolder {
  const now = new Date().toISOString();
  const table = thisProcessTable();
  return { pid: process.pid, command, started: now, heartbeat: now, processStart: processStart(process.pid), ...table };
}

/** Whether two records are one holding (the same process, taking the lock the same time). */
export function sameHolding(a: LockHolder | undefined, b: LockHolder): boolean {
  return a !== undefined && a.pid === b.pid && a.host === b.host && a.started === b.started;
}

/** The lock file's own status, without following a link: a planted link or FIFO is never read. */
export function lockStat(file: string): fs.Stats | undefined {
  return fs.lstatSync(file, { throwIfNoEntry: false });
}

/** The lock file's text, or undefined when it is absent or not a regular file. */
export function readLockText(file: string): string | undefined {
  if (!lockStat(file)?.isFile()) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function parseHolder(text: string | undefined): LockHolder | undefined {
  if (text === undefined) return undefined;
  try {
    const holder = JSON.parse(text) as LockHolder;
    return holder && typeof holder.pid === 'number' && typeof holder.host === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

export function readHolder(file: string): LockHolder | undefined {
  return parseHolder(readLockText(file));
}

/**
 * How long a lock has been silent, by its heartbeat; a heartbeat that is no time that has been (in
 * the future, or no time at all) is not believed, and the lock ages by its file's modification time
 * instead (the heartbeat rewrites the file, so a live holder keeps it fresh). A file time in the
 * future too gives an age below zero: a lock no clock vouches for is left to the person (the message says so).
 */
export function silence(file: string, holder: LockHolder, now = Date.now()): { ms: number; heartbeatBelieved: boolean } {
  const beat = Date.parse(holder.heartbeat);
  if (Number.isFinite(beat) && beat <= now) return { ms: now - beat, heartbeatBelieved: true };
  return { ms: now - (lockStat(file)?.mtimeMs ?? 0), heartbeatBelieved: false };
}

/**
 * Why a lock no longer holds, or undefined while it does.
 * - A holder in this process table (same host, boot and PID namespace) holds it while it runs,
 *   whatever its heartbeat: stopped (Ctrl-Z, SIGSTOP), on a suspended laptop, or with its event loop
 *   blocked for minutes, it is alive and will go on writing. It is gone when no process has its id,
 *   or the process with its id started at another time than the holder (a reused id).
 * - A holder elsewhere (another machine sharing the folder over a network file system, another
 *   container) cannot be seen: it is gone when its lock has been silent for `staleMs` (60 s).
 * - An unreadable lock file older than 5 s is a write cut short.
 */
export function staleReason(
  file: string,
  holder: LockHolder | undefined,
  now = Date.now(),
  { here = thisProcessTable(), staleMs = lockTiming().staleMs }: { here?: ProcessTable; staleMs?: number } = {},
): string | undefined {
  if (!holder) {
    const age = now - (lockStat(file)?.mtimeMs ?? 0);
    return age > UNREADABLE_MS ? 'an unreadable lock file' : undefined;
  }
  const who = `process ${holder.pid} on ${holder.host}`;
  if (sameProcessTable(holder, here)) {
    if (!isRunning(holder.pid)) return `${who} is no longer running`;
    const start = holder.processStart ? processStart(holder.pid) : undefined;
    if (start !== undefined && start !== holder.processStart) {
      return `${who} is no longer running: process ${holder.pid} now is another process (started at tick ${start} since boot, the holder at tick ${holder.processStart})`;
    }
    return undefined;
  }
  const { ms, heartbeatBelieved } = silence(file, holder, now);
  if (ms <= staleMs) return undefined;
  const s = Math.round(ms / 1000);
  return heartbeatBelieved
    ? `its last heartbeat (${holder.heartbeat}) is older than ${staleMs / 1000} s`
    : `its heartbeat (${holder.heartbeat}) is not a past time, and the lock file was last written ${s} s ago (more than ${staleMs / 1000} s)`;
}

/**
 * What a process finding the lock held tells the person: who holds it and, for a live holder here
 * that does not respond (stopped, or silent past the stale time), that it is alive and what to do.
 */
export function describeBusy(dir: string, file: string, holder: LockHolder | undefined, now = Date.now()): { message: string; hint: string } {
  const { staleMs } = lockTiming();
  if (!holder) {
    return { message: `run folder ${dir} is in use by another process`, hint: `wait for it to finish, or choose another --out (${file} is being written)` };
  }
  const who = `process ${holder.pid} on ${holder.host} (biaflow ${holder.command}, since ${holder.started})`;
  const { ms, heartbeatBelieved } = silence(file, holder, now);
  const silent = ms > staleMs ? `no heartbeat for ${Math.round(ms / 1000)} s` : undefined;
  if (sameProcessTable(holder)) {
    const never = `a lock is never taken from a live process (${file})`;
    if (isStopped(holder.pid)) {
      return {
        message: `run folder ${dir} is in use by ${who}, which is alive but not responding: it is stopped (Ctrl-Z or kill -STOP)${silent ? `, ${silent}` : ''}`,
        hint: `resume it (kill -CONT ${holder.pid}, or fg in the shell that started it) and let it finish, or end it (kill -KILL ${holder.pid}); ${never}`,
      };
    }
    if (silent) {
      return {
        message: `run folder ${dir} is in use by ${who}, which is alive but not responding: ${silent} (a suspended machine, or a process blocked)`,
        hint: `wait for it to go on and finish, or end it (kill ${holder.pid}); ${never}`,
      };
    }
    return { message: `run folder ${dir} is in use by ${who}`, hint: `wait for it to finish, or choose another --out; ${never}` };
  }
  const unbelieved = !heartbeatBelieved && ms < 0;
  return {
    message: `run folder ${dir} is in use by ${who}`,
    hint: unbelieved
      ? `its heartbeat and the lock file's time are both in the future (a clock set wrong?): if no process on ${holder.host} uses the folder, remove ${file}`
      : `wait for it to finish, or choose another --out; a lock of another machine is taken over once it has been silent for ${staleMs / 1000} s (${file})`,
  };
}
