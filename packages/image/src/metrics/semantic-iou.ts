import type { NdArray } from '../types';
import { ImageError } from '../image-error';
import { checkLabelImage, checkSameShape, optionsObject } from '../checks';

export interface IouOptions {
  /** Class values to report (background included if wanted). Default: every value present in either image. */
  classes?: number[];
}

/** IoU per class, keyed by the class value as a string; null where the class is in neither image. */
export type ClassIou = Record<string, number | null>;

/** Intersections and unions per class, so IoU can be pooled over images. */
export interface IouCounts {
  intersection: Record<string, number>;
  union: Record<string, number>;
}

/**
 * Semantic IoU per class: |gt = c ∧ pred = c| / |gt = c ∨ pred = c| for each class value c. A class
 * absent from both images has no IoU (null, never NaN).
 */
export function iou(groundTruth: NdArray, prediction: NdArray, options: IouOptions = {}): ClassIou {
  return iouFromCounts(iouCounts('iou', groundTruth, prediction, options));
}

export function iouFromCounts(counts: IouCounts): ClassIou {
  const out: ClassIou = {};
  for (const key of Object.keys(counts.union)) {
    const u = counts.union[key];
    out[key] = u > 0 ? counts.intersection[key] / u : null;
  }
  return out;
}

export function iouCounts(fn: string, groundTruth: NdArray, prediction: NdArray, options: IouOptions = {}): IouCounts {
  checkLabelImage(fn, 'groundTruth', groundTruth);
  checkLabelImage(fn, 'prediction', prediction);
  checkSameShape(fn, 'groundTruth', groundTruth, 'prediction', prediction);
  const opts = optionsObject<IouOptions>(fn, options);
  const g = groundTruth.data;
  const p = prediction.data;
  let max = 0;
  for (let i = 0; i < g.length; i++) {
    if (g[i] > max) max = g[i];
    if (p[i] > max) max = p[i];
  }
  if (max > 1 << 24) throw new ImageError(`${fn}(): class values go up to ${max}; class maps hold small class indices`);
  const inter = new Float64Array(max + 1);
  const cg = new Float64Array(max + 1);
  const cp = new Float64Array(max + 1);
  for (let i = 0; i < g.length; i++) {
    const a = g[i];
    const b = p[i];
    cg[a]++;
    cp[b]++;
    if (a === b) inter[a]++;
  }
  let classes = opts.classes;
  if (classes === undefined || classes === null) {
    classes = [];
    for (let c = 0; c <= max; c++) if (cg[c] > 0 || cp[c] > 0) classes.push(c);
  } else if (!Array.isArray(classes) || classes.some((c) => typeof c !== 'number' || !Number.isInteger(c) || c < 0)) {
    throw new ImageError(`${fn}(): classes must be a list of non-negative integer class values, got ${JSON.stringify(classes)}`);
  }
  const counts: IouCounts = { intersection: {}, union: {} };
  for (const c of classes) {
    const i = c <= max ? inter[c] : 0;
    counts.intersection[String(c)] = i;
    counts.union[String(c)] = c <= max ? cg[c] + cp[c] - i : 0;
  }
  return counts;
}

/**
 * IoU pooled over images: intersections and unions are summed per class, then divided (summed
 * intersection over summed union, never a mean of per-image IoUs).
 */
export class IouAccumulator {
  private readonly intersection = new Map<string, number>();
  private readonly union = new Map<string, number>();

  constructor(private readonly options: IouOptions = {}) {}

  /** Add one image pair; returns that image's own IoU per class. */
  add(groundTruth: NdArray, prediction: NdArray): ClassIou {
    const counts = iouCounts('IouAccumulator.add', groundTruth, prediction, this.options);
    for (const key of Object.keys(counts.union)) {
      this.intersection.set(key, (this.intersection.get(key) ?? 0) + counts.intersection[key]);
      this.union.set(key, (this.union.get(key) ?? 0) + counts.union[key]);
    }
    return iouFromCounts(counts);
  }

  /** Pooled IoU per class over every image added (classes sorted by value). */
  result(): ClassIou {
    const keys = [...this.union.keys()].sort((a, b) => Number(a) - Number(b));
    const counts: IouCounts = { intersection: {}, union: {} };
    for (const k of keys) {
      counts.intersection[k] = this.intersection.get(k)!;
      counts.union[k] = this.union.get(k)!;
    }
    return iouFromCounts(counts);
  }
}
