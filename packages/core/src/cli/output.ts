import type { Kernel } from '../kernel/kernel';
import { printableText } from '@biaflow/image';

/** Where the CLI writes; replaceable so tests can run commands in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /**
   * Makes the kernel of each command: core's own behaviour plus the distribution's default plugins
   * (the `biaflow` package adds image files and the training engine). Default: core alone.
   */
  createKernel?: () => Promise<Kernel>;
}

type StreamName = 'stdout' | 'stderr';

/** Standard streams whose reader has gone (`biaflow … | head`), or that failed otherwise. */
const gone = new Set<StreamName>();
let failure: { stream: StreamName; error: NodeJS.ErrnoException } | undefined;
let watching = false;

/**
 * Stop writing to stdout or stderr once it fails. A reader that closed the pipe (EPIPE) is
 * ordinary (`biaflow … | head`): the rest of the output has nowhere to go and the run's own exit
 * status stands. Node reports such a failure as an 'error' event, which without a listener ends the
 * process with a stack trace; any other failure (a full disk under `> file`) is kept for
 * `standardStreamFailure`.
 */
function watchStandardStreams(): void {
  if (watching) return;
  watching = true;
  for (const name of ['stdout', 'stderr'] as const) {
    process[name].on('error', (error: NodeJS.ErrnoException) => {
      gone.add(name);
      if (error.code !== 'EPIPE') failure ??= { stream: name, error };
    });
  }
}

/** A failure of stdout or stderr other than a closed pipe, if one happened. */
export function standardStreamFailure(): { stream: StreamName; error: NodeJS.ErrnoException } | undefined {
  return failure;
}

function write(name: StreamName, text: string): void {
  if (gone.has(name)) return;
  try {
    process[name].write(text);
  } catch (error) {
    // A file descriptor written synchronously may throw instead of emitting 'error'.
    gone.add(name);
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') failure ??= { stream: name, error: error as NodeJS.ErrnoException };
  }
}

/**
 * The CLI's own stdout and stderr. Everything it prints there (messages, the results table, JSON
 * and YAML it shows) passes through `printableText`: a control character from a file name or a
 * file's content is shown escaped, never acted on by the terminal; the output's own line breaks stay.
 */
export const processIO = (): CliIO => {
  watchStandardStreams();
  return {
    stdout: (t) => write('stdout', printableText(t)),
    stderr: (t) => write('stderr', printableText(t)),
    cwd: process.cwd(),
  };
};
