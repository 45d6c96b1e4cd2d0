/**
 * The tfjs module's type: what the run computes with (one copy, hoisted; a peer dependency, typed
 * here only). The compute backend a distribution registers (`@biaflow/engine-tfjs`) loads it and
 * selects its backend; core itself never loads tfjs.
 */
export type Tf = typeof import('@tensorflow/tfjs');
