import type { NdArray } from '../types';
import { ImageError } from '../image-error';
import { isTypedArray, typeName } from '../checks';

/**
 * Top-k accuracy: the fraction of samples whose true class is among the k highest scores of that
 * sample. The rank of the true class t is the number of classes that come before it, a class j
 * coming before t when its score is higher, or equal with a lower index (j < t): ties are broken by
 * the lower class index first, so a tie cannot make a sample right by luck of the sort.
 *
 * `scoresPerSample` holds one row of class scores per sample (a list of rows, or a `[samples, classes]`
 * array). Returns null when there are no samples, or when there are no more than k classes (every
 * sample would be right).
 */
export function topKAccuracy(trueIndices: ArrayLike<number>, scoresPerSample: readonly ArrayLike<number>[] | NdArray, k: number): number | null {
  const fn = 'topKAccuracy';
  if (!Number.isInteger(k) || k < 1) throw new ImageError(`${fn}(): k must be an integer ≥ 1, got ${JSON.stringify(k)}`);
  if (typeof trueIndices !== 'object' || trueIndices === null || typeof trueIndices.length !== 'number') {
    throw new ImageError(`${fn}(): trueIndices must be a list of class indices, got ${typeName(trueIndices)}`);
  }
  const rows = scoreRows(fn, scoresPerSample);
  if (rows.length !== trueIndices.length) {
    throw new ImageError(`${fn}(): trueIndices has ${trueIndices.length} entries but scoresPerSample has ${rows.length} rows`);
  }
  if (rows.length === 0) return null;
  const nClasses = rows[0].length;
  if (nClasses <= k) return null;
  let right = 0;
  for (let i = 0; i < rows.length; i++) {
    const s = rows[i];
    if (s.length !== nClasses) throw new ImageError(`${fn}(): scoresPerSample[${i}] has ${s.length} scores but row 0 has ${nClasses}`);
    const t = trueIndices[i];
    if (!Number.isInteger(t) || t < 0 || t >= nClasses) throw new ImageError(`${fn}(): trueIndices[${i}] is ${t}, not a class index from 0 to ${nClasses - 1}`);
    let before = 0;
    for (let j = 0; j < nClasses; j++) {
      const v = s[j];
      if (typeof v !== 'number' || Number.isNaN(v)) throw new ImageError(`${fn}(): scoresPerSample[${i}][${j}] is ${v}, not a number`);
      if (v > s[t] || (v === s[t] && j < t)) before++;
    }
    if (before < k) right++;
  }
  return right / rows.length;
}

function scoreRows(fn: string, scores: unknown): ArrayLike<number>[] {
  if (Array.isArray(scores)) {
    scores.forEach((row, i) => {
      if (!isTypedArray(row) && !Array.isArray(row)) throw new ImageError(`${fn}(): scoresPerSample[${i}] must be a list of class scores, got ${typeName(row)}`);
    });
    return scores as ArrayLike<number>[];
  }
  const nd = scores as Partial<NdArray>;
  if (typeof scores === 'object' && scores !== null && isTypedArray(nd.data) && Array.isArray(nd.shape) && nd.shape.length === 2) {
    const [n, c] = nd.shape;
    if (n * c !== nd.data.length) throw new ImageError(`${fn}(): scoresPerSample has shape [${nd.shape.join(',')}] but ${nd.data.length} values`);
    return Array.from({ length: n }, (_, i) => nd.data!.subarray(i * c, (i + 1) * c));
  }
  throw new ImageError(`${fn}(): scoresPerSample must be a list of score rows or a [samples, classes] array { data, shape }, got ${typeName(scores)}`);
}
