import { ImageError } from '../image-error';
import { checkNumber, checkSpacing, optionsObject } from '../checks';
import { PointGrid, readPoints, type Points } from '../points';
import { maxWeightMatching } from './linear-assignment';

export interface DetectionMatchingOptions {
  /** A true and a predicted point match when their distance is at most this (physical units). */
  tolerance: number;
  /** Voxel size per axis ([z,]y,x), applied to coordinates before measuring distance. Default 1. */
  spacing?: number[];
}

export interface DetectionResult {
  tp: number;
  fp: number;
  fn: number;
  /** tp / (tp + fp); null without predicted points. */
  precision: number | null;
  /** tp / (tp + fn); null without true points. */
  recall: number | null;
  /** 2tp / (2tp + fp + fn); null when both lists are empty. */
  f1: number | null;
}

/**
 * Point detection scores: the largest one-to-one matching between true and predicted points in which
 * every pair is within `tolerance` (distance ≤ tolerance, after `spacing`), found by the Hungarian
 * algorithm on distances (among largest matchings, the one with the smallest total distance).
 */
export function detectionMatching(groundTruth: Points, prediction: Points, options: DetectionMatchingOptions): DetectionResult {
  return matchPoints('detectionMatching', groundTruth, prediction, options).result;
}

/**
 * The matching `detectionMatching` scores, with its pairs: `[truthIndex, predictedIndex]` of every
 * matched pair (a true positive), in truth order; unpaired true points are false negatives, unpaired
 * predictions false positives. For pictures of the result (the run report draws them).
 */
export function detectionMatchingPairs(
  groundTruth: Points,
  prediction: Points,
  options: DetectionMatchingOptions,
): { result: DetectionResult; pairs: [number, number][] } {
  return matchPoints('detectionMatchingPairs', groundTruth, prediction, options);
}

function matchPoints(fn: string, groundTruth: Points, prediction: Points, options: DetectionMatchingOptions): { result: DetectionResult; pairs: [number, number][] } {
  const opts = optionsObject<DetectionMatchingOptions>(fn, options);
  const tolerance = checkNumber(fn, 'tolerance', opts.tolerance, { min: 0 });
  const gt = readPoints(fn, 'groundTruth', groundTruth);
  const pr = readPoints(fn, 'prediction', prediction);
  if (gt.count > 0 && pr.count > 0 && gt.ndim !== pr.ndim) {
    throw new ImageError(`${fn}(): groundTruth has ${gt.ndim}D points but prediction has ${pr.ndim}D points`);
  }
  const ndim = gt.count > 0 ? gt.ndim : pr.ndim;
  const spacing = checkSpacing(fn, opts.spacing, ndim);
  const scale = (c: Float64Array, count: number) => {
    const s = new Float64Array(count * ndim);
    for (let i = 0; i < count; i++) for (let k = 0; k < ndim; k++) s[i * ndim + k] = c[i * ndim + k] * spacing[k];
    return s;
  };
  const g = scale(gt.coords, gt.count);
  const p = scale(pr.coords, pr.count);

  // Candidate pairs within tolerance, found on a grid of cells `tolerance` wide.
  const grid = new PointGrid(ndim, tolerance > 0 ? tolerance : 1);
  for (let j = 0; j < pr.count; j++) grid.add(p.subarray(j * ndim, (j + 1) * ndim), j);
  const left: number[] = [];
  const right: number[] = [];
  const dist: number[] = [];
  for (let i = 0; i < gt.count; i++) {
    const q = g.subarray(i * ndim, (i + 1) * ndim);
    grid.near(q, (j) => {
      let d2 = 0;
      for (let k = 0; k < ndim; k++) {
        const d = p[j * ndim + k] - q[k];
        d2 += d * d;
      }
      const d = Math.sqrt(d2);
      if (d <= tolerance) {
        left.push(i);
        right.push(j);
        dist.push(d);
      }
    });
  }
  // Weight 1 per pair plus a distance bonus worth less than one pair in total: most pairs first,
  // then the smallest total distance.
  const m = Math.max(1, Math.min(gt.count, pr.count));
  const scaleBonus = (tolerance > 0 ? tolerance : 1) * (m + 1);
  const weights = Float64Array.from(dist, (d) => 1 + (tolerance - d) / scaleBonus);
  const chosen = maxWeightMatching(gt.count, pr.count, Int32Array.from(left), Int32Array.from(right), weights);
  let tp = 0;
  const pairs: [number, number][] = [];
  for (let e = 0; e < chosen.length; e++) {
    if (!chosen[e]) continue;
    tp++;
    pairs.push([left[e], right[e]]);
  }
  return { result: detectionResult(tp, pr.count - tp, gt.count - tp), pairs };
}

export function detectionResult(tp: number, fp: number, fn: number): DetectionResult {
  return {
    tp,
    fp,
    fn,
    precision: tp + fp > 0 ? tp / (tp + fp) : null,
    recall: tp + fn > 0 ? tp / (tp + fn) : null,
    f1: 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : null,
  };
}

/** Detection scores pooled over images: tp, fp and fn summed, ratios recomputed from the sums. */
export function detectionMatchingDataset(perImage: readonly DetectionResult[]): DetectionResult {
  if (!Array.isArray(perImage)) throw new ImageError('detectionMatchingDataset(): perImage must be a list of detectionMatching() results');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  perImage.forEach((r, i) => {
    if (!r || typeof r.tp !== 'number' || typeof r.fp !== 'number' || typeof r.fn !== 'number') {
      throw new ImageError(`detectionMatchingDataset(): perImage[${i}] is not a detectionMatching() result`);
    }
    tp += r.tp;
    fp += r.fp;
    fn += r.fn;
  });
  return detectionResult(tp, fp, fn);
}
