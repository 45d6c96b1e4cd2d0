import type { NdArray } from '../types';
import { ImageError } from '../image-error';
import { checkImage, checkSameShape, isIntegerArray, typeName, type IntegerArray } from '../checks';

/**
 * How two label images overlap: the objects of each (distinct non-zero labels, ascending), their
 * sizes, and one entry per pair of objects that share at least one voxel with the shared count.
 * Counted in one pass over the voxels with a run cache, so the pair table is touched once per run
 * of voxels with the same pair, not once per voxel.
 */
export interface ObjectOverlap {
  trueLabels: number[];
  predLabels: number[];
  trueSizes: Float64Array;
  predSizes: Float64Array;
  /** Index into trueLabels / predLabels, and shared voxels, per overlapping pair. */
  pairTrue: Int32Array;
  pairPred: Int32Array;
  pairCount: Float64Array;
}

const DENSE_LIMIT = 1 << 24;

export function objectOverlap(fn: string, groundTruth: unknown, prediction: unknown): ObjectOverlap {
  checkImage(fn, 'groundTruth', groundTruth);
  checkImage(fn, 'prediction', prediction);
  checkSameShape(fn, 'groundTruth', groundTruth, 'prediction', prediction);
  for (const [arg, im] of [['groundTruth', groundTruth], ['prediction', prediction]] as const) {
    if (!isIntegerArray(im.data)) {
      throw new ImageError(`${fn}(): ${arg} must hold integer labels (Uint8/16/32 or Int8/16/32 array), got ${typeName(im.data)}`, {
        hint: 'round or relabel the image first (label() numbers the objects of a mask)',
      });
    }
  }
  const t = groundTruth.data as IntegerArray;
  const p = prediction.data as IntegerArray;
  const n = t.length;
  let tMin = 0;
  let tMax = 0;
  let pMin = 0;
  let pMax = 0;
  for (let i = 0; i < n; i++) {
    const a = t[i];
    const b = p[i];
    if (a > tMax) tMax = a;
    else if (a < tMin) tMin = a;
    if (b > pMax) pMax = b;
    else if (b < pMin) pMin = b;
  }
  if (tMin < 0) throw new ImageError(`${fn}(): groundTruth holds a negative label (${tMin}); labels must be 0 (background) or positive`);
  if (pMin < 0) throw new ImageError(`${fn}(): prediction holds a negative label (${pMin}); labels must be 0 (background) or positive`);

  if (tMax <= DENSE_LIMIT && pMax <= DENSE_LIMIT) return denseOverlap(t, p, tMax, pMax);
  return sparseOverlap(t, p);
}

function denseOverlap(t: IntegerArray, p: IntegerArray, tMax: number, pMax: number): ObjectOverlap {
  const tCount = new Float64Array(tMax + 1);
  const pCount = new Float64Array(pMax + 1);
  const pairs = new Map<number, number>();
  const stride = pMax + 1;
  let lastKey = -1;
  let run = 0;
  for (let i = 0, n = t.length; i < n; i++) {
    const a = t[i];
    const b = p[i];
    tCount[a]++;
    pCount[b]++;
    if (a === 0 || b === 0) continue;
    const key = a * stride + b;
    if (key === lastKey) {
      run++;
      continue;
    }
    if (run > 0) pairs.set(lastKey, (pairs.get(lastKey) ?? 0) + run);
    lastKey = key;
    run = 1;
  }
  if (run > 0) pairs.set(lastKey, (pairs.get(lastKey) ?? 0) + run);

  const trueLabels: number[] = [];
  const tIndex = new Int32Array(tMax + 1);
  for (let v = 1; v <= tMax; v++) if (tCount[v] > 0) tIndex[v] = trueLabels.push(v) - 1;
  const predLabels: number[] = [];
  const pIndex = new Int32Array(pMax + 1);
  for (let v = 1; v <= pMax; v++) if (pCount[v] > 0) pIndex[v] = predLabels.push(v) - 1;
  const pairTrue = new Int32Array(pairs.size);
  const pairPred = new Int32Array(pairs.size);
  const pairCount = new Float64Array(pairs.size);
  let k = 0;
  for (const [key, count] of pairs) {
    const b = key % stride;
    const a = (key - b) / stride;
    pairTrue[k] = tIndex[a];
    pairPred[k] = pIndex[b];
    pairCount[k] = count;
    k++;
  }
  return {
    trueLabels,
    predLabels,
    trueSizes: Float64Array.from(trueLabels, (v) => tCount[v]),
    predSizes: Float64Array.from(predLabels, (v) => pCount[v]),
    pairTrue,
    pairPred,
    pairCount,
  };
}

/** Same result for huge label values, with Maps instead of dense tables. */
function sparseOverlap(t: IntegerArray, p: IntegerArray): ObjectOverlap {
  const tCount = new Map<number, number>();
  const pCount = new Map<number, number>();
  const pairs = new Map<string, number>();
  for (let i = 0; i < t.length; i++) {
    const a = t[i];
    const b = p[i];
    if (a !== 0) tCount.set(a, (tCount.get(a) ?? 0) + 1);
    if (b !== 0) pCount.set(b, (pCount.get(b) ?? 0) + 1);
    if (a !== 0 && b !== 0) {
      const key = `${a},${b}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
  }
  const trueLabels = [...tCount.keys()].sort((x, y) => x - y);
  const predLabels = [...pCount.keys()].sort((x, y) => x - y);
  const tIndex = new Map(trueLabels.map((v, i) => [v, i]));
  const pIndex = new Map(predLabels.map((v, i) => [v, i]));
  const pairTrue = new Int32Array(pairs.size);
  const pairPred = new Int32Array(pairs.size);
  const pairCount = new Float64Array(pairs.size);
  let k = 0;
  for (const [key, count] of pairs) {
    const [a, b] = key.split(',').map(Number);
    pairTrue[k] = tIndex.get(a)!;
    pairPred[k] = pIndex.get(b)!;
    pairCount[k] = count;
    k++;
  }
  return {
    trueLabels,
    predLabels,
    trueSizes: Float64Array.from(trueLabels, (v) => tCount.get(v)!),
    predSizes: Float64Array.from(predLabels, (v) => pCount.get(v)!),
    pairTrue,
    pairPred,
    pairCount,
  };
}
