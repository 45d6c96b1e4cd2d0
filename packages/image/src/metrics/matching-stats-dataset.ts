import { ImageError } from '../image-error';
import { matchingResult, type MatchingStats } from './matching-stats';

const COUNTS = ['tp', 'fp', 'fn', 'n_true', 'n_pred', 'mean_true_score'] as const;

/**
 * Dataset-level matching statistics pooled over images, as StarDist's `matching_dataset(...,
 * by_image=False)`: tp, fp, fn, n_true and n_pred are summed, the matched score sum is recovered as
 * Σ mean_true_score · n_true, and every ratio is recomputed from the pooled counts (never an average of
 * per-image ratios). All images must have the same thresholds. No image gives all-zero statistics.
 */
export function matchingStatsDataset(perImage: readonly MatchingStats[]): MatchingStats {
  const fn = 'matchingStatsDataset';
  if (!Array.isArray(perImage)) throw new ImageError(`${fn}(): perImage must be a list of matchingStats() results`);
  if (perImage.length === 0) return {};
  const keys = Object.keys(perImage[0]);
  const out: MatchingStats = {};
  for (const key of keys) {
    let tp = 0;
    let fp = 0;
    let fnCount = 0;
    let nTrue = 0;
    let nPred = 0;
    let sumMatched = 0;
    perImage.forEach((stats, i) => {
      const s = stats?.[key];
      if (!s || COUNTS.some((c) => typeof s[c] !== 'number')) {
        throw new ImageError(`${fn}(): perImage[${i}] has no complete result for threshold "${key}"; compute every image with the same thresholds`);
      }
      tp += s.tp;
      fp += s.fp;
      fnCount += s.fn;
      nTrue += s.n_true;
      nPred += s.n_pred;
      sumMatched += s.mean_true_score * s.n_true;
    });
    out[key] = matchingResult({ tp, fp, fn: fnCount, nTrue, nPred, sumMatched });
  }
  return out;
}
