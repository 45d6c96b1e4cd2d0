import type { ZodType } from 'zod';
import type { Prediction, ProblemType, RunEvent } from './stages';

/**
 * A named post-processing step. Configs list steps under `postprocess:` as
 * `{ method: <name>, ...options }`; the options are validated with `options` before the run starts.
 */
export interface PostprocessMethod<Options = any> {
  /** snake_case name used in configs, e.g. `remove_small_objects`. */
  name: string;
  description: string;
  /** Schema of the step's options (without `method`); unknown keys are errors. */
  options: ZodType<Options>;
  /** Problem types the step applies to; all when omitted. */
  problems?: readonly ProblemType[];
  run(prediction: Prediction, options: Options, event: RunEvent): Prediction | Promise<Prediction>;
}

/** A method plus the plugin that registered it, for error messages. */
export interface RegisteredPostprocessMethod extends PostprocessMethod {
  plugin: string;
}
