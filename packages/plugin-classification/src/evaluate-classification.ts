import fs from 'node:fs';
import path from 'node:path';
import { InputError, type Logger, type MetricsReport } from '@biaflow/core';
import { classFolders } from '@biaflow/data';
import { listImageFiles } from '@biaflow/io';
import { classificationMetrics, topKAccuracy } from '@biaflow/image';
import { readPredictionTable, type PredictedClass } from './prediction-table';

export const PREDICTIONS_TABLE = 'predictions.csv';

export interface ClassificationEvaluationOptions {
  /** Folder holding `predictions.csv` (a run's `predictions/`), or the table itself. */
  predictions: string;
  /** Folder of ground truth: one sub-folder per class holding that class's images. */
  groundTruth: string;
  /** The model's classes in output order (the bundle's channels), when known. */
  classes?: readonly string[];
  /** k of `top_k_accuracy` (`metrics.top_k`). Default 5. */
  topK?: number;
  logger?: Logger;
  /** Lists the images of each class folder (the run's readers); default core's. */
  listImageFiles?: (dir: string) => string[];
}

/** Ground truth of a folder per class: `class/file` → class name. */
export function groundTruthClasses(dir: string, list: (dir: string) => string[] = listImageFiles): Map<string, string> {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) throw new InputError('is not a folder: classification ground truth is a folder with one sub-folder per class', { file: dir });
  const truth = new Map<string, string>();
  for (const cls of classFolders(dir)) {
    for (const file of list(path.join(dir, cls))) truth.set(`${cls}/${path.basename(file)}`, cls);
  }
  if (truth.size === 0) {
    throw new InputError('holds no class sub-folders with images: classification ground truth is one sub-folder per class (e.g. test/WBC/cell1.png)', {
      file: dir,
    });
  }
  return truth;
}

/**
 * Score a classification run: the predicted class of each image (from `predictions.csv`) against
 * the class folder it sits in. Predictions are matched to ground truth by `class/file` name, or by
 * file name alone when the prediction table names files without their folder (and the name is
 * unique). `overall`: accuracy, top-k accuracy (from the `score_<class>` columns), per-class
 * precision / recall / F1, macro F1, the confusion matrix (rows true class, columns predicted) and
 * the class list; one row per image.
 */
export function evaluateClassification(options: ClassificationEvaluationOptions): MetricsReport {
  const table = path.extname(options.predictions).toLowerCase() === '.csv' ? options.predictions : path.join(options.predictions, PREDICTIONS_TABLE);
  const predicted = readPredictionTable(table);
  const truth = groundTruthClasses(options.groundTruth, options.listImageFiles);
  const byFile = new Map<string, string | null>();
  for (const key of truth.keys()) {
    const base = key.slice(key.indexOf('/') + 1);
    byFile.set(base, byFile.has(base) ? null : key);
  }

  const classes = [...(options.classes ?? [])];
  const indexOf = (name: string): number => {
    let i = classes.indexOf(name);
    if (i < 0) i = classes.push(name) - 1;
    return i;
  };
  // With no class list from the model, classes are numbered in the training order: sorted folder names.
  if (classes.length === 0) for (const name of [...new Set([...truth.values(), ...predicted.map(classNameOf)])].sort(byCodePoint)) indexOf(name);

  const rows: { image: string; truth: string; prediction: string; scores: Record<string, number> }[] = [];
  const unmatched: string[] = [];
  const scored = new Set<string>();
  for (const p of predicted) {
    const key = truth.has(p.image) ? p.image : byFile.get(path.basename(p.image)) ?? undefined;
    if (!key) {
      unmatched.push(p.image);
      continue;
    }
    scored.add(key);
    rows.push({ image: p.image, truth: truth.get(key) as string, prediction: classNameOf(p), scores: p.scores });
  }
  const missing = [...truth.keys()].filter((k) => !scored.has(k));
  if (unmatched.length) {
    options.logger?.warn({ event: 'unpaired', files: unmatched }, `${unmatched.length} prediction(s) have no image in ${options.groundTruth} and are not scored`);
  }
  if (missing.length) {
    options.logger?.warn({ event: 'unpaired', files: missing }, `${missing.length} ground-truth image(s) have no prediction in ${table} and are not scored`);
  }
  const trueIndex = rows.map((r) => indexOf(r.truth));
  const predictedIndex = rows.map((r) => indexOf(r.prediction));
  const m = classificationMetrics(trueIndex, predictedIndex, { classes });
  const k = options.topK ?? 5;
  return {
    overall: {
      accuracy: m.accuracy,
      top_k: k,
      top_k_accuracy: topKFromScores(rows, trueIndex, classes, k, table, options.logger),
      macro_f1: m.macro_f1,
      precision: m.precision,
      recall: m.recall,
      f1: m.f1,
      confusion_matrix: m.confusion_matrix,
      classes: m.classes,
      images: rows.length,
    },
    per_image: rows.map((r) => ({ image: r.image, true: r.truth, predicted: r.prediction, correct: r.truth === r.prediction })),
  };
}

/**
 * Top-k accuracy from each row's `score_<class>` values, taken in `classes` order. Null with k or
 * fewer classes (every image would count), and null — with a warning — when a class has no score
 * column or a row no score for it: a ranking cannot be made up.
 */
function topKFromScores(
  rows: readonly { image: string; scores: Record<string, number> }[],
  trueIndex: readonly number[],
  classes: readonly string[],
  k: number,
  table: string,
  logger: Logger | undefined,
): number | null {
  if (classes.length <= k || rows.length === 0) return null;
  const unscored = rows.filter((r) => classes.some((c) => !Number.isFinite(r.scores[c])));
  if (unscored.length > 0) {
    const missing = classes.filter((c) => unscored.some((r) => !Number.isFinite(r.scores[c]))).map((c) => `score_${c}`);
    logger?.warn(
      { event: 'unscored-classes', file: table, columns: missing, images: unscored.map((r) => r.image) },
      `${table}: ${unscored.length} row(s) have no number in ${missing.join(', ')}, so top_k_accuracy is null: it ranks every class by score`,
    );
    return null;
  }
  return topKAccuracy(trueIndex, rows.map((r) => classes.map((c) => r.scores[c])), k);
}

function classNameOf(p: PredictedClass): string {
  return p.className;
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
