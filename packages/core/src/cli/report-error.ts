import { exitCodeOf, hintOf, interruptionOf, isBiaflowError } from '../errors';
import { isImageError } from '@biaflow/image';
import { PluginError } from '../kernel/plugin-error';
import { RunFolderTakenError } from '@biaflow/fs';
import { systemFaultOf } from '@biaflow/fs';
import type { CliIO } from './output';

/** The error a plugin error wraps (an operating-system fault is told as itself, not as the plugin's failure). */
function unwrapped(error: unknown): unknown {
  let at = error;
  while (at instanceof PluginError && at.cause !== undefined) at = at.cause;
  return at;
}

/**
 * Print an error for a person: the message and a hint, no stack trace (unless BIAFLOW_DEBUG=1).
 * An operating-system fault (a full disk, a read-only folder), even inside a plugin's error, is told
 * by its reason and file. Returns the exit code: 2 for bad usage, config or input; 1 for a failed run;
 * 130 for a run stopped on request (Ctrl-C).
 */
export function reportError(error: unknown, io: CliIO): number {
  const debug = process.env.BIAFLOW_DEBUG === '1';
  // A stop the person asked for is no failure: where it stopped, and how to go on (exit 130).
  const interrupted = interruptionOf(error);
  if (interrupted) {
    io.stderr(`interrupted: ${interrupted.message}\n`);
    if (interrupted.hint) io.stderr(`${interrupted.hint}\n`);
    return interrupted.exitCode;
  }
  // A run folder taken over is no plugin's failure either, wherever the run stopped.
  const inner = unwrapped(error);
  if (inner instanceof RunFolderTakenError) error = inner;
  const fault = systemFaultOf(inner);
  if (fault) {
    io.stderr(`error: ${fault.message}\n`);
    if (fault.hint) io.stderr(`hint: ${fault.hint}\n`);
    // The plugin and hook it happened in are in the stack's first line.
    if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return fault.exitCode;
  }
  if (isBiaflowError(error) || isImageError(error)) {
    io.stderr(`error: ${error.message}\n`);
    const hint = hintOf(error);
    if (hint) io.stderr(`hint: ${hint}\n`);
    if (debug && error.stack) io.stderr(`${error.stack}\n`);
    return exitCodeOf(error);
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`error: ${message}\n`);
  io.stderr(debug && error instanceof Error && error.stack ? `${error.stack}\n` : 'hint: run again with BIAFLOW_DEBUG=1 for the stack trace, and report it if it is a bug\n');
  return 1;
}
