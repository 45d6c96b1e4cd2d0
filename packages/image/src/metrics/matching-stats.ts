import type { NdArray } from '../types';
import { ImageError } from '../image-error';
import { optionsObject } from '../checks';
import { edgeComponents, maxWeightMatching } from './linear-assignment';
import { objectOverlap } from './object-overlap';

export const MATCHING_CRITERIA = ['iou', 'iot', 'iop'] as const;
export type MatchingCriterion = (typeof MATCHING_CRITERIA)[number];

export interface MatchingOptions {
  /** Score thresholds; a matched pair counts when its score ≥ threshold. Default [0.5]. */
  thresholds?: number[];
  /** `iou` (default): intersection over union; `iot`: over the true object; `iop`: over the predicted object. */
  criterion?: MatchingCriterion;
}

/** StarDist's matching statistics at one threshold. */
export interface MatchingResult {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  accuracy: number;
  f1: number;
  mean_true_score: number;
  mean_matched_score: number;
  panoptic_quality: number;
  n_true: number;
  n_pred: number;
}

/** Results keyed by `String(threshold)`, e.g. `"0.5"`. */
export type MatchingStats = Record<string, MatchingResult>;

/**
 * Instance matching as StarDist's `matching` (and BiaPy's copy of it): every true object is scored
 * against every predicted one, and for each threshold t the one-to-one matching that maximises the
 * number of pairs with score ≥ t — ties broken by the larger total score, i.e. StarDist's Hungarian
 * cost −(score ≥ t) − score / (2·min(n_true, n_pred)) — gives tp; fp = n_pred − tp, fn = n_true − tp.
 * Ratios are 0 when tp = 0, as StarDist defines them (so never null or NaN).
 *
 * Only pairs that overlap can score above 0, so the assignment is solved per connected group of
 * overlapping objects instead of on the dense n_true × n_pred matrix; the optimum is the same.
 */
export function matchingStats(groundTruth: NdArray, prediction: NdArray, options: MatchingOptions = {}): MatchingStats {
  const fn = 'matchingStats';
  const opts = optionsObject<MatchingOptions>(fn, options);
  const thresholds = opts.thresholds ?? [0.5];
  if (!Array.isArray(thresholds) || thresholds.length === 0 || thresholds.some((t) => typeof t !== 'number' || !Number.isFinite(t))) {
    throw new ImageError(`${fn}(): thresholds must be a non-empty list of numbers (e.g. [0.3, 0.5, 0.75]), got ${JSON.stringify(thresholds)}`);
  }
  const criterion = opts.criterion ?? 'iou';
  if (!MATCHING_CRITERIA.includes(criterion)) {
    throw new ImageError(`${fn}(): criterion must be one of ${MATCHING_CRITERIA.join(', ')}, got ${JSON.stringify(criterion)}`);
  }
  const o = objectOverlap(fn, groundTruth, prediction);
  const nTrue = o.trueLabels.length;
  const nPred = o.predLabels.length;
  const nPairs = o.pairCount.length;
  const scores = new Float64Array(nPairs);
  for (let k = 0; k < nPairs; k++) {
    const inter = o.pairCount[k];
    const st = o.trueSizes[o.pairTrue[k]];
    const sp = o.predSizes[o.pairPred[k]];
    scores[k] = criterion === 'iou' ? inter / (st + sp - inter) : criterion === 'iot' ? inter / st : inter / sp;
  }
  const nMatched = Math.min(nTrue, nPred);
  const components = edgeComponents(nTrue, nPred, o.pairTrue, o.pairPred);
  const weights = new Float64Array(nPairs);
  const out: MatchingStats = {};
  for (const thr of thresholds) {
    let tp = 0;
    let sumMatched = 0;
    let anyAbove = thr <= 0;
    for (let k = 0; k < nPairs && !anyAbove; k++) if (scores[k] >= thr) anyAbove = true;
    if (nMatched > 0 && anyAbove) {
      // Every pair counts when thr ≤ 0 (even non-overlapping ones), so only the score sum is optimised.
      for (let k = 0; k < nPairs; k++) weights[k] = thr <= 0 ? scores[k] : (scores[k] >= thr ? 1 : 0) + scores[k] / (2 * nMatched);
      const chosen = maxWeightMatching(nTrue, nPred, o.pairTrue, o.pairPred, weights, components);
      for (let k = 0; k < nPairs; k++) {
        if (chosen[k] && scores[k] >= thr) {
          tp++;
          sumMatched += scores[k];
        }
      }
      if (thr <= 0) tp = nMatched;
    }
    out[String(thr)] = matchingResult({ tp, fp: nPred - tp, fn: nTrue - tp, nTrue, nPred, sumMatched });
  }
  return out;
}

export interface MatchingCounts {
  tp: number;
  fp: number;
  fn: number;
  nTrue: number;
  nPred: number;
  /** Sum of the scores of the true positives. */
  sumMatched: number;
}

/** Ratios from counts, as StarDist: 0 whenever tp = 0 (or a denominator is 0). */
export function matchingResult({ tp, fp, fn, nTrue, nPred, sumMatched }: MatchingCounts): MatchingResult {
  const safe = (x: number, y: number) => (y > 0 ? x / y : 0);
  return {
    tp,
    fp,
    fn,
    precision: tp > 0 ? tp / (tp + fp) : 0,
    recall: tp > 0 ? tp / (tp + fn) : 0,
    accuracy: tp > 0 ? tp / (tp + fp + fn) : 0,
    f1: tp > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0,
    mean_true_score: safe(sumMatched, nTrue),
    mean_matched_score: safe(sumMatched, tp),
    panoptic_quality: safe(sumMatched, tp + fp / 2 + fn / 2),
    n_true: nTrue,
    n_pred: nPred,
  };
}
