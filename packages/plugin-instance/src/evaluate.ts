import { InputError, readImage, toModelLayout, type EvaluateEvent, type MetricsReport, type NdArray } from '@biaflow/core';
import { matchingStats, matchingStatsDataset, type MatchingStats } from '@biaflow/plugin-postproc';

const INTEGER = (d: NdArray['data']) =>
  d instanceof Uint8Array || d instanceof Uint16Array || d instanceof Uint32Array || d instanceof Int8Array || d instanceof Int16Array || d instanceof Int32Array;

/** A label image as `[..spatial]`, checked to be a one-channel integer image. */
async function readLabels(file: string, ndim: 2 | 3): Promise<NdArray> {
  const image = await readImage(file);
  const layout = toModelLayout(image, ndim, file);
  const channels = layout.shape[ndim];
  if (channels !== 1) throw new InputError(`has ${channels} channels; instance labels have one`, { file });
  if (!INTEGER(layout.data)) throw new InputError(`is ${image.dtype}; instance labels must be integers (uint8/16/32)`, { file });
  return { data: layout.data, shape: layout.shape.slice(0, ndim) };
}

/**
 * Instance metrics of prediction / ground-truth pairs: StarDist's matching statistics at each IoU
 * threshold per image, and pooled over images (counts summed, ratios from the sums).
 */
export async function evaluateInstances(
  pairs: EvaluateEvent['pairs'],
  options: { thresholds: number[]; ndim: 2 | 3 },
): Promise<MetricsReport> {
  if (pairs.length === 0) {
    throw new InputError('no prediction has a ground-truth file of the same name to be scored against', {
      hint: 'predictions and labels are paired by file name without extension (a.tif ↔ a.tif)',
    });
  }
  const perImage: MetricsReport['per_image'] = [];
  const stats: MatchingStats[] = [];
  for (const pair of pairs) {
    const gt = await readLabels(pair.groundTruthPath, options.ndim);
    const pred = await readLabels(pair.predictionPath, options.ndim);
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
