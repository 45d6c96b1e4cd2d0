import {
  applyLabelMapping,
  InputError,
  LabelValues,
  readLabelImage,
  resolveLabelMapping,
  type EvaluateEvent,
  type LabelMapping,
  type MetricsReport,
  type NdArray,
} from '@biaflow/core';
import { IouAccumulator, type ClassIou } from '@biaflow/image';
import { readImage } from '@biaflow/io';

const GT = 'ground-truth class maps';
const PRED = 'predicted class maps';

export interface SemanticEvaluationOptions {
  classes: number;
  ndim: 2 | 3;
  /** `data.labels.mapping` of the config (YAML keys are strings); applied to the ground truth. */
  mapping?: Record<string, number>;
  /** How label files are read (the run's readers); default core's. */
  io?: Pick<EvaluateEvent['io'], 'readImage'>;
}

/** Up to `limit` distinct values of a label outside the class indices 0..classes-1. */
function valuesBeyond(data: NdArray['data'], classes: number, limit = 5): number[] {
  const bad: number[] = [];
  for (let i = 0; i < data.length && bad.length < limit; i++) {
    const v = data[i];
    if (!(v >= 0 && v < classes) && !bad.includes(v)) bad.push(v);
  }
  return bad;
}

/**
 * The label mapping of one side: the configured one (ground truth only), else — when the set holds
 * only one non-zero value and it is not a class index (0/255 masks, from biaflow's training data or
 * another tool) — that value → 1. Unlike training's rule, a set showing a single class below the
 * class count (only class 2 of 3) is left alone.
 */
export function setMapping(values: LabelValues, classes: number, explicit?: Record<string, number>): LabelMapping | undefined {
  const configured = resolveLabelMapping(explicit, undefined);
  if (configured) return configured;
  const nonZero = values.sorted?.filter((v) => v !== 0);
  return nonZero?.length === 1 && nonZero[0] >= classes ? new Map([[nonZero[0], 1]]) : undefined;
}

function binary(label: NdArray): NdArray<Uint8Array> {
  const out = new Uint8Array(label.data.length);
  for (let i = 0; i < out.length; i++) out[i] = label.data[i] !== 0 ? 1 : 0;
  return { data: out, shape: label.shape };
}

/**
 * Semantic metrics of prediction / ground-truth pairs: IoU per class (background included, keyed
 * by the class index as a string) and foreground IoU (any class but 0), per image and pooled over
 * images (summed intersections over summed unions).
 */
export async function evaluateSemantic(pairs: EvaluateEvent['pairs'], options: SemanticEvaluationOptions): Promise<MetricsReport> {
  if (pairs.length === 0) {
    throw new InputError('no prediction has a ground-truth file of the same name to be scored against', {
      hint: 'predictions and labels are paired by file name without extension (a.tif ↔ a.png)',
    });
  }
  const classes = Array.from({ length: options.classes }, (_, c) => c);
  const read = options.io?.readImage ?? readImage;
  // The mapping of 0/v masks is decided over each whole set, as in training: a first pass gathers
  // the values, the second scores (files are read twice so memory stays at one pair).
  const gtValues = new LabelValues();
  const predValues = new LabelValues();
  for (const pair of pairs) {
    gtValues.add((await readLabelImage(pair.groundTruthPath, options.ndim, GT, read)).data);
    predValues.add((await readLabelImage(pair.predictionPath, options.ndim, PRED, read)).data);
  }
  const gtMapping = setMapping(gtValues, options.classes, options.mapping);
  const predMapping = setMapping(predValues, options.classes);
  const perClass = new IouAccumulator({ classes });
  const foreground = new IouAccumulator({ classes: [1] });
  const perImage: MetricsReport['per_image'] = [];
  for (const pair of pairs) {
    const gt = applyLabelMapping(await readLabelImage(pair.groundTruthPath, options.ndim, GT, read), gtMapping);
    const pred = applyLabelMapping(await readLabelImage(pair.predictionPath, options.ndim, PRED, read), predMapping);
    if (gt.shape.join() !== pred.shape.join()) {
      throw new InputError(`prediction is ${pred.shape.join('×')} but its ground truth ${pair.groundTruthPath} is ${gt.shape.join('×')}`, {
        file: pair.predictionPath,
      });
    }
    for (const [what, label, file] of [
      ['ground truth', gt, pair.groundTruthPath],
      ['prediction', pred, pair.predictionPath],
    ] as const) {
      const bad = valuesBeyond(label.data, options.classes);
      if (bad.length) {
        throw new InputError(`${what} holds value(s) ${bad.slice(0, 5).join(', ')} but there are ${options.classes} classes (0..${options.classes - 1})`, {
          file,
          hint: 'set semantic.classes, or map the ground truth with data.labels.mapping',
        });
      }
    }
    const iou: ClassIou = perClass.add(gt, pred);
    const fg = foreground.add(binary(gt), binary(pred))['1'];
    perImage.push({ image: pair.name, iou, foreground_iou: fg });
  }
  return { overall: { iou: perClass.result(), foreground_iou: foreground.result()['1'] }, per_image: perImage };
}
