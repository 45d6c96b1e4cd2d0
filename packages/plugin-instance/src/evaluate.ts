import { InputError, readLabelImage, type EvaluateEvent, type MetricsReport } from '@biaflow/core';
import { readImage } from '@biaflow/io';
import { aji, ajiDataset, instanceAp, instanceApDataset, matchingStats, matchingStatsDataset, type AjiResult, type InstanceApResult, type MatchingStats } from '@biaflow/image';

/**
 * Instance metrics of prediction / ground-truth pairs, per image and pooled over images (counts
 * summed, ratios from the sums, never a mean of per-image ratios):
 * - `matching`: StarDist's matching statistics at each IoU threshold;
 * - `ap_50_95`: StarDist's accuracy tp / (tp + fp + fn) averaged over IoU 0.5, 0.55, …, 0.95 (the
 *   "average precision" StarDist and Cellpose report; pooled per threshold, then averaged);
 * - `aji`: the Aggregated Jaccard Index as MoNuSeg computes it (pooled: Σ C / Σ U; null when both
 *   images are empty).
 */
export async function evaluateInstances(
  pairs: EvaluateEvent['pairs'],
  options: { thresholds: number[]; ndim: 2 | 3; io?: Pick<EvaluateEvent['io'], 'readImage'> },
): Promise<MetricsReport> {
  if (pairs.length === 0) {
    throw new InputError('no prediction has a ground-truth file of the same name to be scored against', {
      hint: 'predictions and labels are paired by file name without extension (a.tif ↔ a.tif)',
    });
  }
  const perImage: MetricsReport['per_image'] = [];
  const stats: MatchingStats[] = [];
  const aps: InstanceApResult[] = [];
  const ajis: AjiResult[] = [];
  for (const pair of pairs) {
    const read = options.io?.readImage ?? readImage;
    const gt = await readLabelImage(pair.groundTruthPath, options.ndim, 'instance labels', read);
    const pred = await readLabelImage(pair.predictionPath, options.ndim, 'instance labels', read);
    if (gt.shape.join() !== pred.shape.join()) {
      throw new InputError(`prediction is ${pred.shape.join('×')} but its ground truth ${pair.groundTruthPath} is ${gt.shape.join('×')}`, {
        file: pair.predictionPath,
      });
    }
    const s = matchingStats(gt, pred, { thresholds: options.thresholds });
    const ap = instanceAp(gt, pred);
    const j = aji(gt, pred);
    stats.push(s);
    aps.push(ap);
    ajis.push(j);
    perImage.push({ image: pair.name, matching: s, ap_50_95: ap.ap_50_95, aji: j.aji });
  }
  return {
    overall: { matching: matchingStatsDataset(stats), ap_50_95: instanceApDataset(aps).ap_50_95, aji: ajiDataset(ajis).aji },
    per_image: perImage,
  };
}
