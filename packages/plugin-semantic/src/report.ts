import { applyLabelMapping, LabelValues, readLabelImage, type NdArray, type ReportPictureEvent } from '@biaflow/core';
import { type ReportLayers } from '@biaflow/report';
import { setMapping } from './evaluate';
import { semanticSettings } from './semantic-config';

/** A label with the mapping evaluation would give it (the configured one, or a 0/v mask → 0/1). */
function mapped(label: NdArray, classes: number, explicit?: Record<string, number>): NdArray {
  const values = new LabelValues();
  values.add(label.data);
  return applyLabelMapping(label, setMapping(values, classes, explicit));
}

/**
 * The report's picture of one image: the predicted class map tinted over the input (class c in
 * the report palette's colour c), the ground truth's class boundaries drawn on top. The ground truth
 * is mapped as evaluation maps it (`data.labels.mapping`, or a 0/v mask to 0/1, decided on this image).
 */
export async function semanticPicture(event: ReportPictureEvent): Promise<ReportLayers | undefined> {
  const { run, predictionPath, groundTruthPath, io } = event;
  if (!predictionPath) return undefined;
  const ndim = run.config.problem.ndim;
  const classes = semanticSettings(run.config).classes;
  const prediction = mapped(await readLabelImage(predictionPath, ndim, 'predicted class maps', io.readImage), classes);
  const truth = groundTruthPath
    ? mapped(await readLabelImage(groundTruthPath, ndim, 'ground-truth class maps', io.readImage), classes, run.config.data.labels.mapping)
    : null;
  const classNames = Array.from({ length: classes }, (_, c) => (c === 0 ? 'background' : `class ${c}`));
  return { kind: 'semantic', prediction, truth, classNames };
}
