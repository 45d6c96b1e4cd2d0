/** The tfjs module's type: what every package computes with (one copy, hoisted). */
export type Tf = typeof import('@tensorflow/tfjs');

/** The one tfjs module every package uses (a peer dependency, hoisted once). */
export function loadTf(): Tf {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs') as Tf;
}
