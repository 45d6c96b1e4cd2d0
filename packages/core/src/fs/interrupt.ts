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

/**
 * Let the event loop turn once. A training step or a tile awaits only promises tfjs has already
 * settled, so without this a whole epoch (or image) runs without the loop ever reaching its poll
 * phase, where Node delivers SIGINT and SIGTERM to their handlers (and timers fire): a Ctrl-C would
 * wait for the next file write. Costs microseconds per step.
 */
export function letSignalsIn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
