import type { NdArray } from './types';
import { ImageError } from './image-error';
import { checkImage, checkNumber, isIntegerArray, optionsObject } from './checks';

export interface OtsuOptions {
  /** Histogram bins for float images (default 256). Integer images use one bin per integer value. */
  bins?: number;
}

/** Integer images spanning more values than this are binned like float images instead. */
const MAX_INTEGER_BINS = 1 << 24;

/**
 * Otsu's threshold, as scikit-image 0.19's `filters.threshold_otsu(image, nbins=bins)`: the bin
 * centre that maximises the between-class variance, ties to the lowest. Integer images histogram one
 * bin per value from min to max; float images use `bins` equal bins from min to max, computed with
 * numpy's own float32/float64 rounding so the same bin centre comes out. A constant image returns its
 * value. Binarize with `value > threshold`.
 */
export function otsuThreshold(image: NdArray, options: OtsuOptions = {}): number {
  const fn = 'otsuThreshold';
  checkImage(fn, 'image', image, [1, 2, 3, 4]);
  const opts = optionsObject<OtsuOptions>(fn, options);
  const bins = checkNumber(fn, 'bins', opts.bins ?? 256, { min: 2, integer: true });
  const data = image.data;
  if (data.length === 0) throw new ImageError(`${fn}(): image is empty; there is no threshold to find`);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== v || v === Infinity || v === -Infinity) {
      throw new ImageError(`${fn}(): image holds a non-finite value (${v}) at flat index ${i}; Otsu needs finite intensities`);
    }
  }
  if (min === max) return data[0];

  if (isIntegerArray(data) && max - min + 1 <= MAX_INTEGER_BINS) {
    const n = max - min + 1;
    const counts = new Float64Array(n);
    for (let i = 0; i < data.length; i++) counts[data[i] - min]++;
    const centres = new Float64Array(n);
    for (let i = 0; i < n; i++) centres[i] = min + i;
    return centres[otsuIndex(counts, centres)];
  }

  // numpy.histogram(image, bins, range=None) as skimage calls it: edges from linspace in the image's
  // float type, bin index from (v - min) * norm with numpy's corrections at the edges.
  const single = data instanceof Float32Array;
  const r = single ? Math.fround : (v: number) => v;
  const first = r(min);
  const last = r(max);
  const step = r(r(last - first) / bins);
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i++) edges[i] = r(i * step + first);
  edges[bins] = last;
  const norm = r(bins / r(last - first));
  const counts = new Float64Array(bins);
  for (let i = 0; i < data.length; i++) {
    const v = r(data[i]);
    let k = Math.trunc(r(r(v - first) * norm));
    if (k === bins) k--;
    if (v < edges[k]) k--;
    if (v >= edges[k + 1] && k !== bins - 1) k++;
    counts[k]++;
  }
  const centres = new Float64Array(bins);
  for (let i = 0; i < bins; i++) centres[i] = r(r(edges[i] + edges[i + 1]) / 2);
  return centres[otsuIndex(counts, centres)];
}

/** Index of the bin maximising w1·w2·(m1 − m2)², accumulated in the order skimage does. */
function otsuIndex(counts: Float64Array, centres: Float64Array): number {
  const n = counts.length;
  const weight1 = new Float64Array(n);
  const mean1 = new Float64Array(n);
  let w = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    w += counts[i];
    s += counts[i] * centres[i];
    weight1[i] = w;
    mean1[i] = s / w;
  }
  const weight2 = new Float64Array(n);
  const mean2 = new Float64Array(n);
  w = 0;
  s = 0;
  for (let i = n - 1; i >= 0; i--) {
    w += counts[i];
    s += counts[i] * centres[i];
    weight2[i] = w;
    mean2[i] = s / w;
  }
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < n - 1; i++) {
    const d = mean1[i] - mean2[i + 1];
    const v = weight1[i] * weight2[i + 1] * (d * d);
    // NaN (an empty class) counts as the maximum in numpy's argmax; it cannot occur here because the
    // first and last bins hold the minimum and maximum.
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}
