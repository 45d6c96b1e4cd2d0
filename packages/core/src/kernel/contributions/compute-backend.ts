import type { Logger } from './logger';
import type { Tf } from './tf';

/** A backend made active for a run: what `RunContext.tf`, `backend` and `threads` are. */
export interface ActiveBackend {
  tf: Tf;
  /** Name of the active backend (`tensorflow`, `wasm`, `cpu`). */
  name: string;
  /** Why it was chosen (for the log). */
  reason?: string;
  /** CPU threads it computes with. */
  threads: number;
  /** Versions of what computes (`@tensorflow/tfjs`: 4.22.0), for the log and the report. */
  versions: Record<string, string>;
}

/**
 * What a run computes with (`kernel.registerComputeBackend`): `@biaflow/engine-tfjs` loads tfjs and
 * selects its backend as `system.backend` and `system.threads` say (tfjs-node when installed, else
 * WebAssembly with threads, else plain JavaScript). One per kernel; the last registered is used.
 */
export interface ComputeBackend {
  name: string;
  activate(settings: { backend: string; threads: number | 'auto' }, logger: Logger): Promise<ActiveBackend>;
}
