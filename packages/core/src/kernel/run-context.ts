import type { DependencyContainer } from 'tsyringe';
import type { Logger } from './contributions/logger';
import type { ResolvedConfig } from './config/schema';
import type { KernelOf as Kernel, WorkflowDriverOf as WorkflowDriver } from './named-above';

import type { Tf } from './contributions/tf';

export type { Tf };

/** Which CLI command (or API call) started the run; contributed commands use their own names. */
export type RunCommand = 'run' | 'train' | 'predict' | 'postprocess' | 'evaluate' | 'augment-preview' | (string & {});

/** Everything a hook needs to know about the run it is called for. One per run. */
export interface RunContext {
  readonly command: RunCommand;
  readonly kernel: Kernel;
  /** The resolved, validated config (defaults filled in, paths absolute). */
  readonly config: ResolvedConfig;
  /** The workflow of `config.problem.type`, resolved once: the one way to use its declaration. */
  readonly workflow: WorkflowDriver;
  /** The config file it came from, if any. */
  readonly configPath?: string;
  readonly logger: Logger;
  /** The run folder (`--out`). */
  readonly runDir: string;
  /**
   * Where this command's results go (predictions, tables, metrics, its config): the run folder, or a
   * post-processing variant `postprocess/<n>/` inside it. Unset means the run folder.
   */
  readonly resultsDir?: string;
  /** True when continuing an earlier run in the same folder (`--resume`). */
  readonly resume: boolean;
  /** The one tfjs module every package shares, with the selected backend active. */
  readonly tf: Tf;
  /** Name of the active tfjs backend (`tensorflow`, `wasm`, `cpu`). */
  readonly backend: string;
  /** Why that backend was chosen (for the log). */
  readonly backendReason?: string;
  /** CPU threads the run computes with (the wasm backend's, or the machine's cores). */
  readonly threads: number;
  /** Versions of what computes (`@tensorflow/tfjs`), from the compute backend; for the log and the report. */
  readonly computeVersions?: Record<string, string>;
  /**
   * The run's own child container (of the kernel's): it builds the run's services (`Tokens`) with
   * their dependencies injected, from core's registrations or the ones plugins replaced them with.
   */
  readonly container: DependencyContainer;
  /**
   * Aborted when the person asked the run to stop (Ctrl-C, SIGTERM): long loops (training steps,
   * images, tiles) check it at safe points with `stopIfAsked` and end the run with an `InterruptedError`.
   */
  readonly signal?: AbortSignal;
}
