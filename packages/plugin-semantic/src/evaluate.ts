import { InputError, readImage, toModelLayout, type EvaluateEvent, type MetricsReport, type NdArray } from '@biaflow/core';
import { IouAccumulator, type ClassIou } from '@biaflow/plugin-postproc';

const INTEGER = (d: NdArray['data']) =>
  d instanceof Uint8Array || d instanceof Uint16Array || d instanceof Uint32Array || d instanceof Int8Array || d instanceof Int16Array || d instanceof Int32Array;

export interface SemanticEvaluationOptions {
  classes: number;
  ndim: 2 | 3;
  /** `data.labels.mapping` of the config (YAML keys are strings); applied to the ground truth. */
  mapping?: Record<string, number>;
}

/** A class map as `[...spatial]`, checked to be a one-channel integer image. */
async function readClassMap(file: string, ndim: 2 | 3, what: string): Promise<NdArray> {
  const image = await readImage(file);
  const layout = toModelLayout(image, ndim, file);
  const channels = layout.shape[ndim];
  if (channels !== 1) throw new InputError(`has ${channels} channels; a ${what} class map has one`, { file });
  if (!INTEGER(layout.data)) throw new InputError(`is ${image.dtype}; ${what} class maps must be integers (class indices)`, { file });
  return { data: layout.data, shape: layout.shape.slice(0, ndim) };
}

function distinctValues(data: NdArray['data']): Set<number> {
  const seen = new Set<number>();
  let last = NaN;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== last) {
      seen.add(v);
      last = v;
    }
  }
  return seen;
}

function mapped(label: NdArray, mapping: ReadonlyMap<number, number>): NdArray {
  if (mapping.size === 0) return label;
  const out = Int32Array.from(label.data as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    const m = mapping.get(out[i]);
    if (m !== undefined) out[i] = m;
  }
  return { data: out, shape: label.shape };
}

/**
 * The label mapping of one side, by the rule training uses: the configured one (ground truth
 * only), else — when the set holds values that are not class indices but only one non-zero value
 * (0/255 masks, from biaflow's training data or another tool) — that value → 1.
 */
function setMapping(values: Set<number>, options: SemanticEvaluationOptions, configured: boolean): Map<number, number> {
  if (configured && options.mapping && Object.keys(options.mapping).length > 0) return new Map(Object.entries(options.mapping).map(([k, v]) => [Number(k), v]));
  const nonZero = [...values].filter((v) => v !== 0);
  if (nonZero.length === 1 && nonZero[0] >= options.classes) return new Map([[nonZero[0], 1]]);
  return new Map();
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
  // The mapping of 0/v masks is decided over each whole set, as in training: a first pass gathers
  // the values, the second scores (files are read twice so memory stays at one pair).
  const gtValues = new Set<number>();
  const predValues = new Set<number>();
  for (const pair of pairs) {
    for (const v of distinctValues((await readClassMap(pair.groundTruthPath, options.ndim, 'ground-truth')).data)) gtValues.add(v);
    for (const v of distinctValues((await readClassMap(pair.predictionPath, options.ndim, 'predicted')).data)) predValues.add(v);
  }
  const gtMapping = setMapping(gtValues, options, true);
  const predMapping = setMapping(predValues, options, false);
  const perClass = new IouAccumulator({ classes });
  const foreground = new IouAccumulator({ classes: [1] });
  const perImage: MetricsReport['per_image'] = [];
  for (const pair of pairs) {
    const gt = mapped(await readClassMap(pair.groundTruthPath, options.ndim, 'ground-truth'), gtMapping);
    const pred = mapped(await readClassMap(pair.predictionPath, options.ndim, 'predicted'), predMapping);
    if (gt.shape.join() !== pred.shape.join()) {
      throw new InputError(`prediction is ${pred.shape.join('×')} but its ground truth ${pair.groundTruthPath} is ${gt.shape.join('×')}`, {
        file: pair.predictionPath,
      });
    }
    for (const [what, label, file] of [
      ['ground truth', gt, pair.groundTruthPath],
      ['prediction', pred, pair.predictionPath],
    ] as const) {
      const bad = [...distinctValues(label.data)].filter((v) => !(v >= 0 && v < options.classes));
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
