import { InputError, readLabelImage, type EvaluateEvent, type MetricsReport } from '@biaflow/core';
import { matchingStats, matchingStatsDataset, type MatchingStats } from '@biaflow/image';

/**
 * Instance metrics of prediction / ground-truth pairs: StarDist's matching statistics at each IoU
 * threshold per image, and pooled over images (counts summed, ratios from the sums).
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
  for (const pair of pairs) {
    const read = options.io?.readImage;
    const gt = await readLabelImage(pair.groundTruthPath, options.ndim, 'instance labels', read);
    const pred = await readLabelImage(pair.predictionPath, options.ndim, 'instance labels', read);
    if (gt.shape.join() !== pred.shape.join()) {
      throw new InputError(`prediction is ${pred.shape.join('×')} but its ground truth ${pair.groundTruthPath} is ${gt.shape.join('×')}`, {
        file: pair.predictionPath,
      });
    }
    const s = matchingStats(gt, pred, { thresholds: options.thresholds });
    stats.push(s);
    perImage.push({ image: pair.name, matching: s });
  }
  return { overall: { matching: matchingStatsDataset(stats) }, per_image: perImage };
}
