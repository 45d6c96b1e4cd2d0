import { InterruptedError } from '../errors';

/**
 * A safe point of a long loop: when the run was asked to stop (`run.signal`, aborted by the CLI on
 * Ctrl-C or SIGTERM), end it here with an `InterruptedError`. `where` says where it stopped and
 * what `--resume` starts from; it is called only then.
 */
export function stopIfAsked(signal: AbortSignal | undefined, where: () => { at: string; resumeFrom?: string }): void {
  if (!signal?.aborted) return;
  const { at, resumeFrom } = where();
  throw new InterruptedError(at, resumeFrom);
}
