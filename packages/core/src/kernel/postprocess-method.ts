import type { ZodType } from 'zod';
import type { Prediction, ProblemType, RunEvent } from './stages';

/**
 * What a step acts on, which fixes where it may stand in the list:
 * `filter` changes the network output (probabilities → probabilities, e.g. z-filtering);
 * `decode` turns the network output into the result (labels, points or a class);
 * `refine` changes the result (labels → labels, points → points).
 */
export type PostprocessKind = 'filter' | 'decode' | 'refine';

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
  /** Where the step stands in the list (default `refine`). */
  kind?: PostprocessKind;
  /**
   * A `decode` step that runs by default for these problem types when the config lists no
   * decoding step (a workflow's standard decoding, e.g. thresholding or watershed).
   */
  defaultFor?: readonly ProblemType[];
  run(prediction: Prediction, options: Options, event: RunEvent): Prediction | Promise<Prediction>;
}

/** A method plus the plugin that registered it, for error messages. */
export interface RegisteredPostprocessMethod extends PostprocessMethod {
  plugin: string;
}
