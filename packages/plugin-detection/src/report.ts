import { stemOf, type ReportPictureEvent } from '@biaflow/core';
import { type ReportLayers } from '@biaflow/report';
import { readPoints } from '@biaflow/io';
import { detectionMatchingPairs } from '@biaflow/image';
import { detectionTolerance } from './metrics-keys';
import { spacingFor, testImagesByStem } from './evaluate-detection';

/**
 * The report's picture of one image: true points as rings, predicted points as crosses, and the
 * pairs matched within `metrics.detection_tolerance` — the same one-to-one matching (over all
 * classes, distances scaled by the test image's voxel size) as `metrics.json`'s tp, fp and fn.
 */
export async function detectionPicture(event: ReportPictureEvent): Promise<ReportLayers | undefined> {
  const { run, predictionPath, groundTruthPath, io } = event;
  if (!predictionPath || !predictionPath.toLowerCase().endsWith('.csv')) return undefined;
  const read = io.readPoints ?? readPoints;
  const predicted = await read(predictionPath);
  if (!groundTruthPath) return { kind: 'points', predicted, truth: null };
  const truth = await read(groundTruthPath);
  const ndim = run.config.problem.ndim;
  const images = testImagesByStem(run.config.data.test.images, io.listImageFiles);
  const spacing = await spacingFor(stemOf(event.image), ndim, images, io.readImage);
  const { pairs } = detectionMatchingPairs(truth, predicted, { tolerance: detectionTolerance(run.config), spacing });
  return { kind: 'points', predicted, truth, matches: pairs };
}
