import { readLabelImage, type ReportCurve, type ReportCurvesEvent, type ReportPictureEvent } from '@biaflow/core';
import { type ReportLayers } from '@biaflow/report';
import { matchingStats, matchingStatsDataset } from '@biaflow/image';
import { matchingThresholds } from './metrics-keys';

/** IoU thresholds of the report's curve: 0.1, 0.15, …, 0.95, plus those `metrics.matching_thresholds` sets. */
export function curveThresholds(configured: readonly number[]): number[] {
  const steps = Array.from({ length: 18 }, (_, k) => Number((0.1 + 0.05 * k).toFixed(2)));
  return [...new Set([...steps, ...configured])].sort((a, b) => a - b);
}

/** The report's picture of one image: the predicted objects' contours over the input, the ground truth's in green. */
export async function instancePicture(event: ReportPictureEvent): Promise<ReportLayers | undefined> {
  const { run, predictionPath, groundTruthPath, io } = event;
  if (!predictionPath) return undefined;
  const ndim = run.config.problem.ndim;
  const prediction = await readLabelImage(predictionPath, ndim, 'instance labels', io.readImage);
  const truth = groundTruthPath ? await readLabelImage(groundTruthPath, ndim, 'instance labels', io.readImage) : null;
  return { kind: 'instances', prediction, truth };
}

/**
 * F1, precision and recall pooled over the test images at each IoU threshold (`curveThresholds`):
 * the same matching as `metrics.json` (StarDist's), so the curve passes through its figures.
 */
export async function instanceCurves(event: ReportCurvesEvent): Promise<ReportCurve[]> {
  const { run, pairs, io } = event;
  const ndim = run.config.problem.ndim;
  const thresholds = curveThresholds(matchingThresholds(run.config));
  const stats = [];
  for (const pair of pairs) {
    const gt = await readLabelImage(pair.groundTruthPath, ndim, 'instance labels', io.readImage);
    const pred = await readLabelImage(pair.predictionPath, ndim, 'instance labels', io.readImage);
    if (gt.shape.join() !== pred.shape.join()) return [];
    stats.push(matchingStats(gt, pred, { thresholds }));
  }
  const pooled = matchingStatsDataset(stats);
  return (['f1', 'precision', 'recall'] as const).map((field) => ({
    name: field,
    x: thresholds,
    y: thresholds.map((t) => pooled[String(t)]?.[field] ?? null),
    xLabel: 'IoU threshold',
    yLabel: 'score',
  }));
}
