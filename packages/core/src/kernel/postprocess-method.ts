import type { ZodType } from 'zod';
import type { PredictionField } from './prediction-field';
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
  /**
   * The prediction fields the step needs (`['probabilities']`, `['labels']`, both for a step that
   * grows labels into a thresholded probability). `config validate`, and every command before it
   * does any work, walks the list: each step must find what it takes in what inference gave and the
   * steps before it gave, and the end of the list must hold the field the workflow's output kind needs.
   */
  takes?: readonly PredictionField[];
  /**
   * The prediction fields the step sets (`['labels']` for a thresholding). A step passes every other
   * field on as it got it (it returns `{ ...prediction, labels }`), so later steps can still take the
   * probabilities. A step that declares neither `takes` nor `gives` is not checked: it may take and
   * give anything, and `config validate` warns that the chain is unchecked from there on
   * (docs/plugins.md); declaring only one of them means the other is empty.
   */
  gives?: readonly PredictionField[];
  run(prediction: Prediction, options: Options, event: RunEvent): Prediction | Promise<Prediction>;
}

/** A method plus the plugin that registered it, for error messages. */
export interface RegisteredPostprocessMethod extends PostprocessMethod {
  plugin: string;
}
