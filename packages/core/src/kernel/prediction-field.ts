import type { Prediction } from './stages';

/**
 * The fields of a `Prediction` that hold a result (not its name and source): what inference gives,
 * what a post-processing step takes and gives, what an output kind needs. Listed as data so a
 * declaration can be checked (a misspelt field in a plugin's declaration is an error at registration)
 * and a post-processing chain walked before a run does any work.
 */
export const PREDICTION_FIELDS = ['probabilities', 'labels', 'points', 'classIndex', 'classScores', 'classNames', 'image', 'tables'] as const satisfies readonly (keyof Prediction)[];

/** One of `PREDICTION_FIELDS`: `probabilities`, `labels`, `points`, `classIndex`, `classScores`, `classNames`, `image`, `tables`. */
export type PredictionField = (typeof PREDICTION_FIELDS)[number];

/** Every field of the list that is no prediction field (for a registration error); empty when all are. */
export function unknownPredictionFields(fields: readonly unknown[]): string[] {
  return fields.filter((f) => !(PREDICTION_FIELDS as readonly unknown[]).includes(f)).map(String);
}
