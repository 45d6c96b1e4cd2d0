import fs from 'node:fs';
import path from 'node:path';
import { InputError, stemOf, type EvaluateEvent, type Image, type Logger, type MetricsReport, type PointList } from '@biaflow/core';
import { listImageFiles, readImage, readPoints } from '@biaflow/io';
import { detectionMatching, detectionMatchingDataset, type DetectionResult } from '@biaflow/image';
import { spacingOf } from './detect-points-step';
import { scoreRankedAp, type ApImage } from './score-ranked-ap';

export interface DetectionEvaluationOptions {
  /** A predicted point matches a true one at most this far away (physical units). */
  tolerance: number;
  /** Tolerances of `ap_by_tolerance` (score-ranked AP). Default `[tolerance]`. */
  apTolerances?: number[];
  ndim: 2 | 3;
  /** Folder (or file) of the test images: each one's voxel size scales distances. */
  testImages?: string;
  /** How images are listed and read (the run's readers); default core's. */
  io?: Pick<EvaluateEvent['io'], 'readImage' | 'listImageFiles' | 'readPoints'>;
  /** Where the warning about predictions without scores goes. */
  logger?: Pick<Logger, 'warn'>;
}

type Scores = DetectionResult & { n_true: number; n_pred: number };

const withCounts = (r: DetectionResult): Scores => ({ ...r, n_true: r.tp + r.fn, n_pred: r.tp + r.fp });

/** The points of one class (points without a class column are class 1). */
function ofClass(points: PointList, cls: number): PointList {
  const { ndim, coordinates, classes } = points;
  if (!classes) return cls === 1 ? points : { ndim, coordinates: new Float64Array(0) };
  const keep: number[] = [];
  for (let i = 0; i < classes.length; i++) if (classes[i] === cls) keep.push(...coordinates.subarray(i * ndim, (i + 1) * ndim));
  return { ndim, coordinates: Float64Array.from(keep) };
}

function classesOf(...lists: PointList[]): number[] {
  const found = new Set<number>();
  for (const l of lists) {
    if (l.classes) l.classes.forEach((c) => found.add(c));
    else if (l.coordinates.length > 0) found.add(1);
  }
  return [...found].sort((a, b) => a - b);
}

/** Voxel size of the test image whose name matches `stem`, 1 per axis when there is none or it says nothing. */
export async function spacingFor(stem: string, ndim: 2 | 3, images: Map<string, string>, read: (file: string) => Promise<Image>): Promise<number[]> {
  const file = images.get(stem);
  if (!file) return Array<number>(ndim).fill(1);
  const image = await read(file);
  return spacingOf(image, ndim);
}

export function testImagesByStem(dir: string | undefined, list: (dir: string) => string[]): Map<string, string> {
  const map = new Map<string, string>();
  if (!dir || !fs.existsSync(dir)) return map;
  for (const f of list(dir)) map.set(stemOf(f), f);
  return map;
}

/**
 * Score predicted point files against true ones (pairs matched by name): per image the largest
 * one-to-one matching within the tolerance, over all points and, when either side has classes,
 * per class. Overall figures pool tp, fp and fn over the images (ratios from the sums, null when
 * undefined).
 *
 * Plus the score-ranked average precision (`scoreRankedAp`, from the predictions' `prob` column):
 * `ap` per class and `map` overall and per image, `ap_by_tolerance` overall. Predictions without
 * scores cannot be ranked: AP is null and a warning names the files.
 */
export async function evaluateDetection(pairs: EvaluateEvent['pairs'], options: DetectionEvaluationOptions): Promise<MetricsReport> {
  const images = testImagesByStem(options.testImages, options.io?.listImageFiles ?? listImageFiles);
  const read = options.io?.readImage ?? readImage;
  const all: DetectionResult[] = [];
  const perClass = new Map<number, DetectionResult[]>();
  let anyClasses = false;
  const per_image: MetricsReport['per_image'] = [];
  const apImages: ApImage[] = [];
  for (const pair of pairs) {
    for (const file of [pair.groundTruthPath, pair.predictionPath]) {
      if (path.extname(file).toLowerCase() !== '.csv') {
        throw new InputError('is not a point CSV: detection predictions and ground truth are CSV files (axis-0, axis-1[, axis-2][, class])', { file });
      }
    }
    const truth = await (options.io?.readPoints ?? readPoints)(pair.groundTruthPath);
    const predicted = await (options.io?.readPoints ?? readPoints)(pair.predictionPath);
    for (const [file, points] of [[pair.groundTruthPath, truth], [pair.predictionPath, predicted]] as const) {
      if (points.ndim !== options.ndim) throw new InputError(`holds ${points.ndim}D points but problem.ndim is ${options.ndim}`, { file });
    }
    const spacing = await spacingFor(stemOf(pair.name), options.ndim, images, read);
    const match = (t: PointList, p: PointList) => detectionMatching(t, p, { tolerance: options.tolerance, spacing });
    const result = match(truth, predicted);
    all.push(result);
    apImages.push({ name: pair.name, truth, predicted, predictionPath: pair.predictionPath, spacing });
    const row: MetricsReport['per_image'][number] = { image: pair.name, ...withCounts(result) };
    if (truth.classes || predicted.classes) {
      anyClasses = true;
      const byClass: Record<string, Scores> = {};
      for (const cls of classesOf(truth, predicted)) {
        const r = match(ofClass(truth, cls), ofClass(predicted, cls));
        byClass[String(cls)] = withCounts(r);
        perClass.set(cls, [...(perClass.get(cls) ?? []), r]);
      }
      row.per_class = byClass;
    }
    per_image.push(row);
  }
  const overall: Record<string, unknown> = { ...withCounts(detectionMatchingDataset(all)), tolerance: options.tolerance, images: pairs.length };
  if (anyClasses) {
    overall.per_class = Object.fromEntries(
      [...perClass].sort((a, b) => a[0] - b[0]).map(([cls, results]) => [String(cls), withCounts(detectionMatchingDataset(results))]),
    );
  }
  const ap = scoreRankedAp(apImages, { tolerance: options.tolerance, tolerances: options.apTolerances ?? [options.tolerance] });
  if (ap.unscored.length > 0) {
    options.logger?.warn(
      { event: 'unscored-points', files: ap.unscored },
      `${ap.unscored.length} prediction file(s) have points but no prob column, so average precision (ap, map) is null: it ranks predictions by score (${ap.unscored.join(', ')})`,
    );
  }
  Object.assign(overall, ap.overall);
  for (const row of per_image) Object.assign(row, ap.perImage.get(row.image as string));
  return { overall, per_image };
}
