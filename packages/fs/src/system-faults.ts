import fs from 'node:fs';
import path from 'node:path';
import { FileSystemError } from './errors';
import { printable } from '@biaflow/image';

/**
 * Operating-system faults (a full disk, a read-only mount, a missing permission) turned into
 * messages for a person: the reason in words, what was being done, and to which file. Node's own
 * messages (`ENOSPC: no space left on device, write`) often name no file at all.
 */

/** An error from a system call: `code` (ENOSPC...), `syscall`, and usually the `path` it was about. */
export interface SystemCallError extends Error {
  code: string;
  syscall: string;
  errno?: number;
  path?: string;
  dest?: string;
}

export function isSystemCallError(e: unknown): e is SystemCallError {
  // Not `instanceof Error`: errors made by Node's own modules come from another realm under jest or vm.
  const err = e as Partial<SystemCallError> | null;
  return typeof err === 'object' && err !== null && typeof err.code === 'string' && typeof err.syscall === 'string' && typeof err.message === 'string';
}

const REASONS: Record<string, string> = {
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOENT: 'no such file or folder',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
  ENAMETOOLONG: 'file name too long',
  ELOOP: 'too many levels of symbolic links',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
  EBUSY: 'resource busy',
  EINVAL: 'the file system refused the operation (invalid argument)',
};

const ACTIONS: Record<string, string> = {
  open: 'writing',
  write: 'writing',
  fsync: 'writing',
  close: 'writing',
  ftruncate: 'writing',
  copyfile: 'copying',
  mkdir: 'creating',
  rename: 'renaming',
  unlink: 'removing',
  rmdir: 'removing',
  rm: 'removing',
  read: 'reading',
  scandir: 'listing',
  stat: 'checking',
  lstat: 'checking',
};

/** The reason of a system-call error in words (`no space left on device`). */
export function reasonOf(e: SystemCallError): string {
  return REASONS[e.code] ?? `${e.code} (${e.message.replace(/^[A-Z]+: /, '')})`;
}

/** What a person can do about a fault, when there is something to say. */
export function hintFor(code: string, file: string): string | undefined {
  let dir = path.dirname(file);
  // The nearest folder that exists, for `df` to be given one.
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return `free space on the disk that holds ${dir} (df -h ${dir}); an interrupted run continues with --resume`;
    case 'EROFS':
      return 'write the outputs to a folder on a writable file system (--out)';
    case 'EACCES':
    case 'EPERM':
      return `choose a folder you may write to (--out), or change the permissions of ${dir}`;
    default:
      return undefined;
  }
}

export interface FaultOptions {
  /** The file the operation was about (default: the error's destination or path). */
  file?: string;
  /** What was being done (`writing`); default from the system call. */
  action?: string;
  /** 2 before any work (the user must change something), 1 part-way through a run (default). */
  exitCode?: 1 | 2;
}

/** `no space left on device while writing /run/metrics.json`, as a FileSystemError carrying the original. */
export function systemFault(e: SystemCallError, options: FaultOptions = {}): FileSystemError {
  // copyfile and rename carry both ends: the destination is the output, unless the source is what is missing.
  const file = options.file ?? (e.code === 'ENOENT' ? e.path : (e.dest ?? e.path));
  const action = options.action ?? ACTIONS[e.syscall] ?? e.syscall;
  const message = file ? `${reasonOf(e)} while ${action} ${printable(file)}` : `${reasonOf(e)} (${e.syscall})`;
  return new FileSystemError(message, { file: file ?? '', code: e.code, exitCode: options.exitCode, hint: file ? hintFor(e.code, file) : undefined, cause: e });
}

/** A system-call error as a FileSystemError; anything else (already explained, or a bug) unchanged. */
export function asSystemFault(e: unknown, options: FaultOptions = {}): unknown {
  return isSystemCallError(e) ? systemFault(e, options) : e;
}

/** The error as a FileSystemError when it is an operating-system fault, else undefined. */
export function systemFaultOf(e: unknown): FileSystemError | undefined {
  if (e instanceof FileSystemError) return e;
  return isSystemCallError(e) ? systemFault(e) : undefined;
}
