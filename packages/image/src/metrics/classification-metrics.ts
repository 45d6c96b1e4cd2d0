import { ImageError } from '../image-error';
import { optionsObject, typeName } from '../checks';

export interface ClassificationOptions {
  /** The classes: their names (index = position) or how many there are (named "0", "1", ...). */
  classes: number | string[];
}

export interface ClassificationResult {
  /** Fraction of correct predictions; null without samples. */
  accuracy: number | null;
  /** Per class (by name): tp / (tp + fp), null when the class is never predicted. */
  precision: Record<string, number | null>;
  /** Per class: tp / (tp + fn), null when the class never occurs. */
  recall: Record<string, number | null>;
  /** Per class: 2tp / (2tp + fp + fn), null when the class neither occurs nor is predicted. */
  f1: Record<string, number | null>;
  /** Mean of the defined per-class F1 values; null if none is defined. */
  macro_f1: number | null;
  /** Rows: true class, columns: predicted class. */
  confusion_matrix: number[][];
  classes: string[];
}

/** Classification scores from true and predicted class indices (0-based). */
export function classificationMetrics(
  trueIndices: ArrayLike<number>,
  predictedIndices: ArrayLike<number>,
  options: ClassificationOptions,
): ClassificationResult {
  const fn = 'classificationMetrics';
  const opts = optionsObject<ClassificationOptions>(fn, options);
  const classes =
    typeof opts.classes === 'number' && Number.isInteger(opts.classes) && opts.classes > 0
      ? Array.from({ length: opts.classes }, (_, i) => String(i))
      : Array.isArray(opts.classes) && opts.classes.length > 0 && opts.classes.every((c) => typeof c === 'string')
        ? [...opts.classes]
        : null;
  if (!classes) throw new ImageError(`${fn}(): classes must be a positive count or a non-empty list of class names, got ${JSON.stringify(opts.classes)}`);
  if (new Set(classes).size !== classes.length) throw new ImageError(`${fn}(): classes holds a name twice (${JSON.stringify(classes)})`);
  for (const [arg, list] of [['trueIndices', trueIndices], ['predictedIndices', predictedIndices]] as const) {
    if (typeof list !== 'object' || list === null || typeof list.length !== 'number') {
      throw new ImageError(`${fn}(): ${arg} must be a list of class indices, got ${typeName(list)}`);
    }
  }
  if (trueIndices.length !== predictedIndices.length) {
    throw new ImageError(`${fn}(): trueIndices has ${trueIndices.length} entries but predictedIndices has ${predictedIndices.length}`);
  }
  const k = classes.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < trueIndices.length; i++) {
    const t = trueIndices[i];
    const p = predictedIndices[i];
    for (const [arg, v] of [['trueIndices', t], ['predictedIndices', p]] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= k) {
        throw new ImageError(`${fn}(): ${arg}[${i}] is ${v}, not a class index from 0 to ${k - 1}`);
      }
    }
    matrix[t][p]++;
  }
  const n = trueIndices.length;
  let correct = 0;
  const precision: Record<string, number | null> = {};
  const recall: Record<string, number | null> = {};
  const f1: Record<string, number | null> = {};
  const defined: number[] = [];
  for (let c = 0; c < k; c++) {
    const tp = matrix[c][c];
    correct += tp;
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < k; j++) {
      predicted += matrix[j][c];
      actual += matrix[c][j];
    }
    const fp = predicted - tp;
    const fnc = actual - tp;
    precision[classes[c]] = predicted > 0 ? tp / predicted : null;
    recall[classes[c]] = actual > 0 ? tp / actual : null;
    const denom = 2 * tp + fp + fnc;
    f1[classes[c]] = denom > 0 ? (2 * tp) / denom : null;
    if (denom > 0) defined.push((2 * tp) / denom);
  }
  return {
    accuracy: n > 0 ? correct / n : null,
    precision,
    recall,
    f1,
    macro_f1: defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
    confusion_matrix: matrix,
    classes,
  };
}
