import { exitCodeOf, hintOf, isBiaflowError } from '../errors';
import { isImageError } from '@biaflow/image';
import type { CliIO } from './output';

/**
 * Print an error for a person: the message and a hint, no stack trace (unless BIAFLOW_DEBUG=1).
 * Returns the exit code: 2 for bad usage, config or input; 1 for a failed run.
 */
export function reportError(error: unknown, io: CliIO): number {
  const debug = process.env.BIAFLOW_DEBUG === '1';
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
