import fs from 'node:fs';
import os from 'node:os';

/**
 * Which process a process id names, on this machine. A process id alone is not a process: ids are
 * reused once a process ends, they restart at each boot, and each PID namespace (a container) has
 * its own. Linux says more through /proc; elsewhere (macOS, Windows) only the id and the host name
 * are known, and what /proc would tell is left undefined.
 */

/** Where a process id means something: one host, one boot of it, one PID namespace. */
export interface ProcessTable {
  host: string;
  /** `/proc/sys/kernel/random/boot_id`: new at every boot (Linux). */
  bootId?: string;
  /** `/proc/self/ns/pid`'s link, `pid:[4026531836]`: containers differ (Linux). */
  pidNamespace?: string;
}

function readTrimmed(read: () => string): string | undefined {
  try {
    return read().trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The process table this process lives in. */
export function thisProcessTable(): ProcessTable {
  return {
    host: os.hostname(),
    bootId: readTrimmed(() => fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidNamespace: readTrimmed(() => fs.readlinkSync('/proc/self/ns/pid')),
  };
}

/**
 * Whether ids recorded in `table` can be checked here. Where both sides know their boot and PID
 * namespace (Linux), these decide (a host renamed mid-run, as a laptop changing networks does, is
 * still this one; a container with a PID namespace of its own is not); else the same host name is
 * needed, and the same boot or namespace when both know it. When in doubt, not: a process elsewhere is
 * judged by its heartbeat.
 */
export function sameProcessTable(table: ProcessTable, here: ProcessTable = thisProcessTable()): boolean {
  if (table.bootId && here.bootId && table.pidNamespace && here.pidNamespace) {
    return table.bootId === here.bootId && table.pidNamespace === here.pidNamespace;
  }
  if (table.host !== here.host) return false;
  if (table.bootId && here.bootId && table.bootId !== here.bootId) return false;
  if (table.pidNamespace && here.pidNamespace && table.pidNamespace !== here.pidNamespace) return false;
  return true;
}

/** Whether a process with this id exists here (one of another user's counts: EPERM). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The fields of `/proc/<pid>/stat` from the third on (state first), or undefined without one. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The second field, the command name in parentheses, may itself hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * When a process started: field 22 of `/proc/<pid>/stat` (clock ticks since boot), as a string. Two
 * processes with one id in one boot have different start times, so a recorded (id, start) names one
 * process for good. Undefined where there is no /proc or it cannot be read (hidepid).
 */
export function processStart(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** Whether a process is stopped (`T`: Ctrl-Z, SIGSTOP; `t`: held by a debugger), from /proc. */
export function isStopped(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state === 'T' || state === 't';
}
