import { isImageError } from '@biaflow/image';
import { printable } from '@biaflow/image';

/** 1 a run failed, 2 bad usage, config or input, 130 stopped by Ctrl-C (SIGINT) or SIGTERM. */
export type ExitCode = 1 | 2 | 130;

/**
 * Errors a user is meant to read. The CLI prints `message` (and `hint`) without a stack trace
 * and exits with `exitCode`: 2 for bad usage, config or input (the user must change something),
 * 1 for a run that failed while working, 130 for a run stopped on request.
 */
export class BiaflowError extends Error {
  readonly exitCode: ExitCode;
  readonly hint?: string;

  constructor(message: string, options: { exitCode?: ExitCode; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 1;
    this.hint = options.hint;
  }
}

/** Bad command-line usage: a missing option, a run folder that already holds a run. */
export class UsageError extends BiaflowError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: 2, hint });
  }
}

/** One problem found in a config, located by its key path (`train.epochs`, `postprocess[1].method`). */
export interface ConfigIssue {
  path: string;
  message: string;
}

/** A config that does not validate; carries every issue found, not just the first. */
export class ConfigError extends BiaflowError {
  readonly issues: ConfigIssue[];
  readonly source?: string;

  constructor(issues: ConfigIssue[], source?: string) {
    const where = source ? ` in ${printable(source)}` : '';
    const lines = issues.map((i) => `  - ${i.path ? `${printable(i.path)}: ` : ''}${i.message}`);
    super(`invalid configuration${where}:\n${lines.join('\n')}`, { exitCode: 2 });
    this.issues = issues;
    this.source = source;
  }
}

/** An input file or in-memory input that cannot be used: names the file (or argument) and what is wrong. */
export class InputError extends BiaflowError {
  readonly file?: string;

  constructor(message: string, options: { file?: string; hint?: string; cause?: unknown } = {}) {
    // The file's name escaped: a line break or an escape sequence in a name cannot forge or hide lines.
    super(options.file ? `${printable(options.file)}: ${message}` : message, { exitCode: 2, hint: options.hint, cause: options.cause });
    this.file = options.file;
  }
}

/** Brand of `DataError`, a global symbol: also found on one thrown by a second copy of this package. */
const DATA_ERROR = Symbol.for('@biaflow/data-error');

/**
 * A problem of the person's data found by biaflow's own checks — the data check before training,
 * the readers of images and point files, the label and NaN checks of core's helpers — naming the
 * file (exit 2). It is biaflow's own input error wherever it is found: a workflow's stage that calls
 * back into those checks (reading a label in `evaluate`, training from its `network`) does not make
 * it that plugin's failure, so the kernel does not wrap it as one (`isDataError`).
 */
export class DataError extends InputError {
  constructor(message: string, options: { file?: string; hint?: string; cause?: unknown } = {}) {
    super(message, options);
    Object.defineProperty(this, DATA_ERROR, { value: true });
  }
}

/** True for a `DataError` (also one from a second copy of this package). */
export function isDataError(e: unknown): e is DataError {
  return e instanceof Error && (e as unknown as Record<symbol, unknown>)[DATA_ERROR] === true;
}

/**
 * The operating system refused a file operation on an output (read-only file system, no space
 * left, no permission...). Names the file and the reason. Exit 2 when found before any work (the
 * user must choose another place or free space), 1 when it stops a run part-way.
 */
export class FileSystemError extends BiaflowError {
  /** The file or folder the operation was about. */
  readonly file: string;
  /** The operating system's error code (`ENOSPC`, `EROFS`...), when there is one. */
  readonly code?: string;

  constructor(message: string, options: { file: string; code?: string; exitCode?: 1 | 2; hint?: string; cause?: unknown }) {
    super(message, { exitCode: options.exitCode ?? 1, hint: options.hint, cause: options.cause });
    this.file = options.file;
    this.code = options.code;
  }
}

/**
 * A run stopped on request (Ctrl-C, SIGTERM) at a safe point: between training steps, images or
 * tiles. `message` says where (`during epoch 3/10, at step 12 of 30`), `resumeFrom` what
 * `--resume` will start from (`the end of epoch 2 (checkpoints/last)`). Exit code 130, as shells
 * report a process ended by SIGINT.
 */
export class InterruptedError extends BiaflowError {
  readonly where: string;
  readonly resumeFrom?: string;

  /** `hint`: how to go on (the CLI's command with `--resume`). */
  constructor(where: string, resumeFrom?: string, hint?: string) {
    super(`stopped ${where}`, { exitCode: 130, hint });
    this.where = where;
    this.resumeFrom = resumeFrom;
  }
}

/** The interruption an error is, or wraps (a plugin's hook wraps what is thrown inside it). */
export function interruptionOf(e: unknown): InterruptedError | undefined {
  for (let at = e, depth = 0; at instanceof Error && depth < 10; at = at.cause, depth++) {
    if (at instanceof InterruptedError) return at;
  }
  return undefined;
}

export function isBiaflowError(e: unknown): e is BiaflowError {
  return e instanceof Error && typeof (e as BiaflowError).exitCode === 'number';
}

/**
 * The exit code an error means: a BiaflowError's own; 2 for a bad argument to an image function
 * (`ImageError` from @biaflow/image, which cannot extend core's classes); 1 for anything else.
 */
export function exitCodeOf(e: unknown): ExitCode {
  if (isBiaflowError(e)) return e.exitCode;
  return isImageError(e) ? 2 : 1;
}

/** The hint an error carries for the person reading it, if any. */
export function hintOf(e: unknown): string | undefined {
  return isBiaflowError(e) || isImageError(e) ? e.hint : undefined;
}
