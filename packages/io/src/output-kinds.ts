import path from 'node:path';
import type { NdArray } from '@biaflow/image';
import type { OutputKind, ReportPicture, ReportPictureEvent } from '@biaflow/core';
import { spatialMeta, writeProbabilities, writeRunImage, writeRunPoints } from '@biaflow/core/internals';

/** The smallest unsigned type that holds every label (uint16 unless a label is above 65535). */
export function labelArray(labels: NdArray): NdArray<Uint16Array | Uint32Array> {
  let max = 0;
  const d = labels.data;
  for (let i = 0; i < d.length; i++) if (d[i] > max) max = d[i];
  if (d instanceof Uint16Array) return { data: d, shape: labels.shape };
  if (d instanceof Uint32Array && max > 65535) return { data: d, shape: labels.shape };
  const out = max > 65535 ? new Uint32Array(d.length) : new Uint16Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = d[i];
  return { data: out, shape: labels.shape };
}

/** A point list: `predictions/<stem>.csv` (the run's points format; written whenever a prediction holds points). */
export const pointsOutput: OutputKind = {
  name: 'points',
  description: 'a point list per image (predictions/<stem>.csv)',
  file: (stem) => `predictions/${stem}.csv`,
  holds: (prediction) => Boolean(prediction.points),
  field: 'points',
  writtenWhenHeld: true,
  write: (run, prediction, file) => writeRunPoints(run, file, prediction.points!),
};

/** A label image: `predictions/<stem>.tif`, deflate, uint16 (uint32 past 65535 labels); written whenever a prediction holds labels. */
export const labelsOutput: OutputKind = {
  name: 'labels',
  description: 'a label image per image (predictions/<stem>.tif)',
  file: (stem) => `predictions/${stem}.tif`,
  holds: (prediction) => Boolean(prediction.labels),
  field: 'labels',
  writtenWhenHeld: true,
  write: async (run, prediction, file) => {
    const { axes, spacing } = spatialMeta(prediction.source, run.config.problem.ndim);
    await writeRunImage(run, file, { ...labelArray(prediction.labels!), axes, spacing }, { compression: 'deflate' });
  },
};

/** True when `file` is an image the run's readers read (not a point CSV or another file a result folder may hold). */
const isImageFile = (file: string, io: ReportPictureEvent['io']) => io.extensions.includes(path.extname(file).toLowerCase());

/**
 * The report's picture of an image result: its file beside the input, and the ground-truth image
 * when there is one — a ground truth that is no image (a point CSV) is not shown.
 */
async function imageResultPicture(event: ReportPictureEvent): Promise<ReportPicture | undefined> {
  const { run, predictionPath, groundTruthPath, io } = event;
  if (!predictionPath || !isImageFile(predictionPath, io)) return undefined;
  const ndim = run.config.problem.ndim;
  const prediction = io.toModelLayout(await io.readImage(predictionPath), ndim, predictionPath);
  const truth = groundTruthPath && isImageFile(groundTruthPath, io) ? io.toModelLayout(await io.readImage(groundTruthPath), ndim, groundTruthPath) : null;
  return { kind: 'image', prediction, truth } as ReportPicture;
}

/** A float image: `predictions/<stem>.tif`, float32, channels on ImageJ's C axis; written for workflows of this kind. */
export const imageOutput: OutputKind = {
  name: 'image',
  description: 'a float image per image (predictions/<stem>.tif)',
  file: (stem) => `predictions/${stem}.tif`,
  holds: (prediction) => Boolean(prediction.image),
  field: 'image',
  write: async (run, prediction, file) => {
    const ndim = run.config.problem.ndim;
    const image = prediction.image!;
    await writeProbabilities(file, image.shape.length === ndim ? { data: image.data, shape: [...image.shape, 1] } : image, prediction.source, run);
  },
  reportPicture: imageResultPicture,
};

/** In the order a prediction's files are written (points before the label image, as biaflow always wrote them). */
export const OUTPUT_KINDS: readonly OutputKind[] = [pointsOutput, labelsOutput, imageOutput];
