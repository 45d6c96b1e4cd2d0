import type { NdArray } from '../types';
import { ImageError } from '../image-error';
import { objectOverlap } from './object-overlap';

export interface AjiResult {
  /** C / U; null when both images are empty (U = 0). */
  aji: number | null;
  /** C: Σ |G ∩ P*| over the true objects G. */
  intersection: number;
  /** U: Σ |G ∪ P*| over the true objects, plus |P| of each predicted object never chosen. */
  union: number;
}

/**
 * Aggregated Jaccard Index (Kumar et al., IEEE TMI 2017), as the MoNuSeg challenge computes it
 * (`Aggregated_Jaccard_Index_v1_0.m`, distributed 2018-07-17):
 * - each true object G takes the predicted object P* with the largest IoU among those overlapping it
 *   (IoU compared exactly, as fractions; of equal IoUs, the lowest predicted label — MATLAB's
 *   `if nJI > JI` over the labels in ascending order); a true object no predicted object overlaps adds
 *   |G| to U and nothing to C;
 * - C = Σ |G ∩ P*|, U = Σ |G ∪ P*| + Σ |P| over the predicted objects never chosen;
 * - a predicted object may be chosen by several true objects; it then enters U once per pair (the
 *   over-penalisation of AJI), while an unchosen one is counted once.
 *
 * Hover-Net's `get_fast_aji` ("AJI version distributed by MoNuSeg") gives the same result except when
 * two predicted objects have exactly the same IoU with a true object but different unions: it ranks
 * by inter / (union + 1e-6), which prefers the larger pair, where MoNuSeg takes the lower label.
 * Both images empty: U = 0, AJI null (MoNuSeg divides 0 by 0, Hover-Net returns 0).
 */
export function aji(groundTruth: NdArray, prediction: NdArray): AjiResult {
  const o = objectOverlap('aji', groundTruth, prediction);
  const nTrue = o.trueLabels.length;
  // Best pair per true object: largest IoU, then lowest predicted label.
  const best = new Int32Array(nTrue).fill(-1);
  for (let k = 0; k < o.pairCount.length; k++) {
    const t = o.pairTrue[k];
    const b = best[t];
    if (b < 0) {
      best[t] = k;
      continue;
    }
    const order = compareIou(o, k, b);
    if (order > 0 || (order === 0 && o.predLabels[o.pairPred[k]] < o.predLabels[o.pairPred[b]])) best[t] = k;
  }
  const chosen = new Uint8Array(o.predLabels.length);
  let intersection = 0;
  let union = 0;
  for (let t = 0; t < nTrue; t++) {
    const k = best[t];
    if (k < 0) {
      union += o.trueSizes[t];
      continue;
    }
    intersection += o.pairCount[k];
    union += pairUnion(o, k);
    chosen[o.pairPred[k]] = 1;
  }
  for (let p = 0; p < chosen.length; p++) if (!chosen[p]) union += o.predSizes[p];
  return { aji: union > 0 ? intersection / union : null, intersection, union };
}

function pairUnion(o: ReturnType<typeof objectOverlap>, k: number): number {
  return o.trueSizes[o.pairTrue[k]] + o.predSizes[o.pairPred[k]] - o.pairCount[k];
}

/**
 * Sign of IoU(a) − IoU(b), exactly: voxel counts are integers, so iₐ·u_b is compared with i_b·uₐ
 * (in BigInt when a product could pass 2⁵³, i.e. objects of more than 2²⁶ voxels).
 */
function compareIou(o: ReturnType<typeof objectOverlap>, a: number, b: number): number {
  const ia = o.pairCount[a];
  const ib = o.pairCount[b];
  const ua = pairUnion(o, a);
  const ub = pairUnion(o, b);
  const left = ia * ub;
  const right = ib * ua;
  if (left <= Number.MAX_SAFE_INTEGER && right <= Number.MAX_SAFE_INTEGER) return Math.sign(left - right);
  const l = BigInt(ia) * BigInt(ub);
  const r = BigInt(ib) * BigInt(ua);
  return l > r ? 1 : l < r ? -1 : 0;
}

/** AJI over a set of images: C and U summed over the images, then C / U (null when U = 0). */
export function ajiDataset(perImage: readonly AjiResult[]): AjiResult {
  if (!Array.isArray(perImage)) throw new ImageError('ajiDataset(): perImage must be a list of aji() results');
  let intersection = 0;
  let union = 0;
  perImage.forEach((r, i) => {
    if (!r || typeof r.intersection !== 'number' || typeof r.union !== 'number') throw new ImageError(`ajiDataset(): perImage[${i}] is not an aji() result`);
    intersection += r.intersection;
    union += r.union;
  });
  return { aji: union > 0 ? intersection / union : null, intersection, union };
}
