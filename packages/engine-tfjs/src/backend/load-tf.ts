import type { Tf } from '@biaflow/core';

export type { Tf };

/** The one tfjs module every package uses (a peer dependency, hoisted once). */
export function loadTf(): Tf {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs') as Tf;
}
