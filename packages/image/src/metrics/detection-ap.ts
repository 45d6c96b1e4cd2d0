import { ImageError } from '../image-error';
import { checkNumber, checkSpacing, optionsObject, typeName } from '../checks';
import { PointGrid, isPointList, readPoints, type Points } from '../points';

/** One image of a detection data set: its true points and its scored predicted points. */
export interface DetectionApImage {
  /** Unique name of the image; orders predictions of equal score across images. */
  name: string;
  groundTruth: Points;
  prediction: Points;
  /** Score of each predicted point (BiaPy's `prob`), in prediction row order. Default: `prediction.scores` of a PointList. */
  scores?: ArrayLike<number>;
  /** Class of each true point. Default: `groundTruth.classes` of a PointList. */
  trueClasses?: ArrayLike<number>;
  /** Class of each predicted point. Default: `prediction.classes` of a PointList. */
  predictedClasses?: ArrayLike<number>;
}

export interface DetectionApOptions {
  /** A prediction can take a true point at distance ≤ tolerance (physical units, after `spacing`). */
  tolerance: number;
  /** Voxel size per axis ([z,]y,x) or one number for all, applied to coordinates before measuring distance. Default 1. */
  spacing?: number[] | number;
  /** Tolerances for `ap_by_tolerance`. Default `[tolerance]`. */
  tolerances?: number[];
  /** Class values to report. Default: every class of a true or predicted point (`[0]` without classes). Points of other classes are not scored. */
  classes?: number[];
}

/** AP per class (keyed by the class value as a string) and their mean. */
export interface ClassAp {
  /** null for a class without true points. */
  ap: Record<string, number | null>;
  /** Mean of the non-null per-class APs; null when no class has a true point. */
  map: number | null;
}

export interface DetectionApResult extends ClassAp {
  tolerance: number;
  /** The class values reported, ascending. */
  classes: number[];
  /** True and predicted points per class, over all images. */
  n_true: Record<string, number>;
  n_pred: Record<string, number>;
  /** The same computation on each image alone, at `tolerance`, keyed by image name. */
  per_image: Record<string, ClassAp>;
  /** Pooled AP at each of `tolerances`, keyed by `String(tolerance)`. */
  ap_by_tolerance: Record<string, ClassAp>;
}

/**
 * Score-ranked average precision of point detection, as object-detection benchmarks report it
 * (PASCAL VOC / COCO ranking and greedy matching, with a distance tolerance in place of an IoU
 * threshold).
 *
 * Definition, for each class c (every point is class 0 when no classes are given):
 * 1. The predictions of class c of **all images** are sorted by score, descending; equal scores are
 *    ordered by image name (ascending, as JavaScript compares strings), then by the prediction's row
 *    order within its image.
 * 2. In that order each prediction takes the **nearest still-unmatched true point of class c of its
 *    own image** within the tolerance (Euclidean distance after scaling each axis by `spacing`,
 *    distance ≤ tolerance, as `detectionMatching`; of two true points at the same distance, the one
 *    listed first) and is a true positive; if there is none it is a false positive. This is COCO's
 *    greedy rule: a prediction never gives its true point up to a later one.
 * 3. After the k-th prediction, precision Pₖ = TPₖ / k and recall Rₖ = TPₖ / N, where N is the
 *    number of true points of class c over all images (recall is pooled); R₀ = 0.
 * 4. AP = Σₖ (Rₖ − Rₖ₋₁) · max precision at recall ≥ Rₖ (max{ Pⱼ : Rⱼ ≥ Rₖ }) — all-point
 *    interpolation, PASCAL VOC 2010 onwards: the area under the precision–recall curve after precision
 *    is made non-increasing in recall. Only true positives add a term (Rₖ > Rₖ₋₁).
 *
 * Edge cases: a class without true points has no AP (null), whatever its predictions; a class with
 * true points and no prediction (or no true positive) has AP 0. `map` is the mean of the per-class
 * APs that are not null, and null when every one is.
 *
 * `per_image` is the same computation on one image alone (its own N, its own ranking); a prediction
 * is a true positive there exactly when it is one in the pooled ranking, because matching never
 * crosses images. `ap_by_tolerance` repeats the pooled computation for each of `tolerances`.
 */
export function detectionAp(images: readonly DetectionApImage[], options: DetectionApOptions): DetectionApResult {
  const fn = 'detectionAp';
  const opts = optionsObject<DetectionApOptions>(fn, options);
  const tolerance = checkNumber(fn, 'tolerance', opts.tolerance, { min: 0 });
  const tolerances = opts.tolerances ?? [tolerance];
  if (!Array.isArray(tolerances) || tolerances.length === 0) {
    throw new ImageError(`${fn}(): tolerances must be a non-empty list of distances ≥ 0, got ${JSON.stringify(tolerances)}`);
  }
  tolerances.forEach((t, i) => checkNumber(fn, `tolerances[${i}]`, t, { min: 0 }));
  const data = readImages(fn, images);
  const spacing = checkSpacing(fn, opts.spacing, data.ndim);
  const classes = reportedClasses(fn, opts.classes, data);
  const order = rankPredictions(data.images);

  const nTrue = countByClass(classes, data.images, 'trueClass');
  const nPred = countByClass(classes, data.images, 'predClass');
  const scaled = data.images.map((im) => ({
    g: scaleCoords(im.trueCoords, data.ndim, spacing),
    p: scaleCoords(im.predCoords, data.ndim, spacing),
  }));
  const matchAt = (tol: number) => greedyMatch(data.images, scaled, data.ndim, order, tol);

  const [rankImg, rankRow] = order;
  const rankedClass = Int32Array.from(rankImg, (img, k) => data.images[img].predClass[rankRow[k]]);
  const allRanks = Int32Array.from(rankImg, (_, k) => k);
  const ranksOf: number[][] = data.images.map(() => []);
  rankImg.forEach((img, k) => ranksOf[img].push(k));
  const allTrue = data.images.map((im) => im.trueClass);

  const tp = matchAt(tolerance);
  const pooled = classAps(classes, rankedClass, allRanks, tp, allTrue);
  const perImage: Record<string, ClassAp> = {};
  data.images.forEach((im, i) => {
    perImage[im.name] = classAps(classes, rankedClass, ranksOf[i], tp, [im.trueClass]);
  });
  const byTolerance: Record<string, ClassAp> = {};
  for (const t of tolerances) {
    byTolerance[String(t)] = t === tolerance ? { ap: { ...pooled.ap }, map: pooled.map } : classAps(classes, rankedClass, allRanks, matchAt(t), allTrue);
  }
  return {
    tolerance,
    classes,
    ap: pooled.ap,
    map: pooled.map,
    n_true: nTrue,
    n_pred: nPred,
    per_image: perImage,
    ap_by_tolerance: byTolerance,
  };
}

interface ImagePoints {
  name: string;
  trueCoords: Float64Array;
  trueClass: Int32Array;
  predCoords: Float64Array;
  predClass: Int32Array;
  scores: Float64Array;
}

function readImages(fn: string, images: unknown): { images: ImagePoints[]; ndim: number; classed: boolean } {
  if (!Array.isArray(images)) {
    throw new ImageError(`${fn}(): images must be a list of { name, groundTruth, prediction, scores } objects, got ${typeName(images)}`);
  }
  const names = new Set<string>();
  let ndim = 0;
  const raw = images.map((im: Partial<DetectionApImage>, i) => {
    const where = `images[${i}]`;
    if (typeof im !== 'object' || im === null) throw new ImageError(`${fn}(): ${where} must be an object { name, groundTruth, prediction, scores }, got ${typeName(im)}`);
    if (typeof im.name !== 'string' || im.name === '') throw new ImageError(`${fn}(): ${where}.name must be a non-empty string, got ${JSON.stringify(im.name)}`);
    if (names.has(im.name)) throw new ImageError(`${fn}(): ${where}.name "${im.name}" is used by an earlier image; image names must be unique`);
    names.add(im.name);
    const gt = readPoints(fn, `${where}.groundTruth`, im.groundTruth);
    const pr = readPoints(fn, `${where}.prediction`, im.prediction);
    for (const [arg, pts] of [['groundTruth', gt], ['prediction', pr]] as const) {
      if (pts.count === 0) continue;
      if (ndim === 0) ndim = pts.ndim;
      else if (pts.ndim !== ndim) throw new ImageError(`${fn}(): ${where}.${arg} ("${im.name}") has ${pts.ndim}D points but earlier points are ${ndim}D`);
    }
    const scores = im.scores ?? (isPointList(im.prediction) ? im.prediction.scores : undefined);
    const trueClasses = im.trueClasses ?? (isPointList(im.groundTruth) ? im.groundTruth.classes : undefined);
    const predClasses = im.predictedClasses ?? (isPointList(im.prediction) ? im.prediction.classes : undefined);
    return { name: im.name, where, gt, pr, scores, trueClasses, predClasses };
  });
  // Classes are used as soon as one point has one; then every point needs one.
  const classed = raw.some((r) => (r.trueClasses !== undefined && r.gt.count > 0) || (r.predClasses !== undefined && r.pr.count > 0));
  const out = raw.map((r): ImagePoints => {
    const scores = numberList(fn, `${r.where}.scores`, r.scores, r.pr.count, 'a score for each predicted point (the PointList scores, or scores: [...])');
    for (let j = 0; j < scores.length; j++) {
      if (!Number.isFinite(scores[j])) throw new ImageError(`${fn}(): ${r.where}.scores[${j}] ("${r.name}") is ${scores[j]}, not a finite number`);
    }
    const classList = (arg: string, list: ArrayLike<number> | undefined, count: number) => {
      if (!classed) return new Int32Array(count);
      const values = numberList(fn, `${r.where}.${arg}`, list, count, 'a class for each point, since other points have classes');
      for (let j = 0; j < values.length; j++) {
        if (!Number.isInteger(values[j])) throw new ImageError(`${fn}(): ${r.where}.${arg}[${j}] ("${r.name}") is ${values[j]}, not an integer class`);
      }
      return Int32Array.from(values);
    };
    return {
      name: r.name,
      trueCoords: r.gt.coords,
      trueClass: classList('trueClasses', r.trueClasses, r.gt.count),
      predCoords: r.pr.coords,
      predClass: classList('predictedClasses', r.predClasses, r.pr.count),
      scores,
    };
  });
  return { images: out, ndim: ndim || 2, classed };
}

function numberList(fn: string, arg: string, list: unknown, count: number, what: string): Float64Array {
  if (count === 0 && (list === undefined || list === null)) return new Float64Array(0);
  if (list === undefined || list === null) throw new ImageError(`${fn}(): ${arg} is missing; give ${what}`);
  if (typeof list !== 'object' || typeof (list as ArrayLike<number>).length !== 'number') {
    throw new ImageError(`${fn}(): ${arg} must be a list of numbers, got ${typeName(list)}`);
  }
  const values = list as ArrayLike<number>;
  if (values.length !== count) throw new ImageError(`${fn}(): ${arg} has ${values.length} entries for ${count} points`);
  const out = new Float64Array(count);
  for (let j = 0; j < count; j++) {
    if (typeof values[j] !== 'number') throw new ImageError(`${fn}(): ${arg}[${j}] is ${JSON.stringify(values[j])}, not a number`);
    out[j] = values[j];
  }
  return out;
}

function reportedClasses(fn: string, requested: unknown, data: { images: ImagePoints[]; classed: boolean }): number[] {
  if (requested !== undefined && requested !== null) {
    if (!Array.isArray(requested) || requested.some((c) => typeof c !== 'number' || !Number.isInteger(c))) {
      throw new ImageError(`${fn}(): classes must be a list of integer class values, got ${JSON.stringify(requested)}`);
    }
    return [...new Set(requested as number[])].sort((a, b) => a - b);
  }
  if (!data.classed) return [0];
  const present = new Set<number>();
  for (const im of data.images) {
    im.trueClass.forEach((c) => present.add(c));
    im.predClass.forEach((c) => present.add(c));
  }
  return [...present].sort((a, b) => a - b);
}

/** Every prediction as [image, row], in ranking order: score descending, image name, row. */
function rankPredictions(images: ImagePoints[]): Int32Array[] {
  const byName = images.map((_, i) => i).sort((a, b) => (images[a].name < images[b].name ? -1 : images[a].name > images[b].name ? 1 : 0));
  const nameRank = new Int32Array(images.length);
  byName.forEach((img, rank) => (nameRank[img] = rank));
  const entries: { img: number; row: number; score: number }[] = [];
  images.forEach((im, img) => im.scores.forEach((score, row) => entries.push({ img, row, score })));
  entries.sort((a, b) => b.score - a.score || nameRank[a.img] - nameRank[b.img] || a.row - b.row);
  return [Int32Array.from(entries, (e) => e.img), Int32Array.from(entries, (e) => e.row)];
}

function scaleCoords(coords: Float64Array, ndim: number, spacing: number[]): Float64Array {
  const out = new Float64Array(coords.length);
  for (let i = 0; i < coords.length; i++) out[i] = coords[i] * spacing[i % ndim];
  return out;
}

/** COCO's greedy matching in ranking order; returns, per ranked prediction, 1 for a true positive. */
function greedyMatch(
  images: ImagePoints[],
  scaled: { g: Float64Array; p: Float64Array }[],
  ndim: number,
  [rankImg, rankRow]: Int32Array[],
  tolerance: number,
): Uint8Array {
  const grids = images.map((im, i) => {
    const grid = new PointGrid(ndim, tolerance > 0 ? tolerance : 1);
    const g = scaled[i].g;
    for (let t = 0; t < im.trueClass.length; t++) grid.add(g.subarray(t * ndim, (t + 1) * ndim), t);
    return grid;
  });
  const taken = images.map((im) => new Uint8Array(im.trueClass.length));
  const tp = new Uint8Array(rankImg.length);
  // State of the current query, read by one visitor closure (no allocation per prediction).
  const q = new Float64Array(ndim);
  let g: Float64Array = new Float64Array(0);
  let trueClass: Int32Array = new Int32Array(0);
  let used: Uint8Array = new Uint8Array(0);
  let cls = 0;
  let best = -1;
  let bestD = Infinity;
  const visit = (t: number) => {
    if (used[t] || trueClass[t] !== cls) return;
    let d2 = 0;
    for (let a = 0; a < ndim; a++) {
      const d = g[t * ndim + a] - q[a];
      d2 += d * d;
    }
    const d = Math.sqrt(d2);
    if (d <= tolerance && (d < bestD || (d === bestD && t < best))) {
      best = t;
      bestD = d;
    }
  };
  for (let k = 0; k < rankImg.length; k++) {
    const img = rankImg[k];
    const row = rankRow[k];
    const p = scaled[img].p;
    for (let a = 0; a < ndim; a++) q[a] = p[row * ndim + a];
    g = scaled[img].g;
    trueClass = images[img].trueClass;
    used = taken[img];
    cls = images[img].predClass[row];
    best = -1;
    bestD = Infinity;
    grids[img].near(q, visit);
    if (best >= 0) {
      used[best] = 1;
      tp[k] = 1;
    }
  }
  return tp;
}

function countByClass(classes: number[], images: ImagePoints[], field: 'trueClass' | 'predClass'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of classes) out[String(c)] = 0;
  for (const im of images) im[field].forEach((c) => {
    if (String(c) in out) out[String(c)]++;
  });
  return out;
}

/**
 * AP per class over a subset of the ranking: `ranks` are positions in the ranking (ascending), `trueClasses`
 * the classes of the true points of the images concerned.
 */
function classAps(classes: number[], rankedClass: Int32Array, ranks: ArrayLike<number>, tp: Uint8Array, trueClasses: Int32Array[]): ClassAp {
  const ap: Record<string, number | null> = {};
  const defined: number[] = [];
  for (const c of classes) {
    let n = 0;
    for (const list of trueClasses) for (let t = 0; t < list.length; t++) n += list[t] === c ? 1 : 0;
    const hits: number[] = [];
    for (let i = 0; i < ranks.length; i++) if (rankedClass[ranks[i]] === c) hits.push(tp[ranks[i]]);
    const value = averagePrecision(hits, n);
    ap[String(c)] = value;
    if (value !== null) defined.push(value);
  }
  return { ap, map: defined.length > 0 ? defined.reduce((a, b) => a + b, 0) / defined.length : null };
}

/** All-point interpolated AP of a ranked list of hits (1 = true positive) against `nTrue` true points. */
export function averagePrecision(hits: ArrayLike<number>, nTrue: number): number | null {
  if (nTrue === 0) return null;
  const n = hits.length;
  const precision = new Float64Array(n);
  const recall = new Float64Array(n);
  let tp = 0;
  for (let k = 0; k < n; k++) {
    tp += hits[k] ? 1 : 0;
    precision[k] = tp / (k + 1);
    recall[k] = tp / nTrue;
  }
  let ap = 0;
  let best = 0;
  for (let k = n - 1; k >= 0; k--) {
    if (precision[k] > best) best = precision[k];
    ap += (recall[k] - (k > 0 ? recall[k - 1] : 0)) * best;
  }
  return ap;
}
