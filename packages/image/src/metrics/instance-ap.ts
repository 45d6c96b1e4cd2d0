import type { NdArray } from '../types';
import { ImageError } from '../image-error';
import { optionsObject } from '../checks';
import { MATCHING_CRITERIA, matchingStats, type MatchingCriterion, type MatchingStats } from './matching-stats';
import { matchingStatsDataset } from './matching-stats-dataset';

/** The IoU thresholds 0.5, 0.55, …, 0.95, written as decimal literals (0.55, not 0.5 + 0.05). */
export const AP_50_95_THRESHOLDS: readonly number[] = Array.from({ length: 10 }, (_, i) => Number((0.5 + 0.05 * i).toFixed(2)));

export interface InstanceApOptions {
  /** Overlap score of a pair, as `matchingStats`. Default `iou`. */
  criterion?: MatchingCriterion;
}

export interface InstanceApResult {
  /** Mean over the ten thresholds of StarDist's accuracy tp / (tp + fp + fn). */
  ap_50_95: number;
  /** The accuracy at each threshold, keyed `"0.5"`, `"0.55"`, … `"0.95"`. */
  accuracy: Record<string, number>;
  /** The full `matchingStats` at the ten thresholds, so results can be pooled over images. */
  stats: MatchingStats;
}

/**
 * `ap_50_95` of an instance segmentation, as StarDist and Cellpose call "average precision": the
 * mean over IoU thresholds t = 0.5, 0.55, …, 0.95 of StarDist's `accuracy` tp / (tp + fp + fn) at t
 * (from `matchingStats`: the one-to-one matching with the most pairs of IoU ≥ t; 0 without a true
 * positive). It is not the score-ranked AP of COCO: instance label images carry no scores.
 */
export function instanceAp(groundTruth: NdArray, prediction: NdArray, options: InstanceApOptions = {}): InstanceApResult {
  const opts = optionsObject<InstanceApOptions>('instanceAp', options);
  const criterion = opts.criterion ?? 'iou';
  if (!MATCHING_CRITERIA.includes(criterion)) {
    throw new ImageError(`instanceAp(): criterion must be one of ${MATCHING_CRITERIA.join(', ')}, got ${JSON.stringify(criterion)}`);
  }
  return fromStats(matchingStats(groundTruth, prediction, { thresholds: [...AP_50_95_THRESHOLDS], criterion }));
}

/**
 * `ap_50_95` over a set of images, pooled as `matchingStatsDataset` pools: at each threshold
 * Σtp / (Σtp + Σfp + Σfn) over the images, then the mean over the thresholds (never a mean of
 * per-image values). No image gives 0, as StarDist's pooled accuracy without true positives.
 */
export function instanceApDataset(perImage: readonly InstanceApResult[]): InstanceApResult {
  if (!Array.isArray(perImage)) throw new ImageError('instanceApDataset(): perImage must be a list of instanceAp() results');
  perImage.forEach((r, i) => {
    if (!r || typeof r.stats !== 'object' || r.stats === null) throw new ImageError(`instanceApDataset(): perImage[${i}] is not an instanceAp() result`);
  });
  if (perImage.length === 0) {
    const accuracy: Record<string, number> = {};
    for (const t of AP_50_95_THRESHOLDS) accuracy[String(t)] = 0;
    return { ap_50_95: 0, accuracy, stats: {} };
  }
  return fromStats(matchingStatsDataset(perImage.map((r) => r.stats)));
}

function fromStats(stats: MatchingStats): InstanceApResult {
  const accuracy: Record<string, number> = {};
  let sum = 0;
  for (const t of AP_50_95_THRESHOLDS) {
    const s = stats[String(t)];
    if (!s) throw new ImageError(`instanceApDataset(): a result has no statistics at threshold ${t}; pass instanceAp() results`);
    accuracy[String(t)] = s.accuracy;
    sum += s.accuracy;
  }
  return { ap_50_95: sum / AP_50_95_THRESHOLDS.length, accuracy, stats };
}
