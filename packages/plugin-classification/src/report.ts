import fs from 'node:fs';
import path from 'node:path';
import type { ReportLayers } from '@biaflow/report';
import type { ReportPictureEvent } from '@biaflow/core';
import { PREDICTIONS_TABLE } from './evaluate-classification';
import { readPredictionTable } from './prediction-table';

/**
 * The report's picture of one image: its predicted class (from `predictions/predictions.csv`) with
 * the score of each class, and its true class — the class folder it sits in (`class/file`), when the
 * run has ground truth. The report frames the image green when they agree, red when not.
 */
export function classificationPicture(event: ReportPictureEvent): ReportLayers | undefined {
  const table = path.join(event.predictionsDir, PREDICTIONS_TABLE);
  if (!fs.existsSync(table)) return undefined;
  const row = readPredictionTable(table).find((r) => r.image === event.image);
  if (!row) return undefined;
  const folder = event.image.includes('/') ? event.image.slice(0, event.image.indexOf('/')) : undefined;
  const truth = event.groundTruthDir && folder && fs.statSync(path.join(event.groundTruthDir, folder), { throwIfNoEntry: false })?.isDirectory() ? folder : null;
  return { kind: 'classes', predicted: row.className, truth, scores: row.scores };
}
