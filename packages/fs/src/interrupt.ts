import { InterruptedError, isBiaflowError, type BiaflowError } from './errors';

/**
 * Why the run must stop that no person asked for, when its signal says so: an error given as the
 * abort's reason (the run folder's lock taken by another process, `RunFolderTakenError`). A person's
 * stop (Ctrl-C, SIGTERM) carries the signal's name instead.
 */
function faultOf(signal: AbortSignal | undefined): BiaflowError | undefined {
  return signal?.aborted && isBiaflowError(signal.reason) && !(signal.reason instanceof InterruptedError) ? signal.reason : undefined;
}

/**
 * A safe point of a long loop: when the run was asked to stop (`run.signal`, aborted by the CLI on
 * Ctrl-C or SIGTERM), end it here with an `InterruptedError`. `where` says where it stopped and
 * what `--resume` starts from; it is called only then. A run stopped by a fault (its run folder
 * taken over) ends here with that fault's error instead: `--resume` is no way on from there.
 */
export function stopIfAsked(signal: AbortSignal | undefined, where: () => { at: string; resumeFrom?: string }): void {
  if (!signal?.aborted) return;
  const fault = faultOf(signal);
  if (fault) throw fault;
  const { at, resumeFrom } = where();
  throw new InterruptedError(at, resumeFrom);
}

/**
 * A point where a fault stops the run but a person's stop may wait (the run's last step, tidying
 * its folder: a taken-over folder is the other process's to tidy).
 */
export function stopOnFault(signal: AbortSignal | undefined): void {
  const fault = faultOf(signal);
  if (fault) throw fault;
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
