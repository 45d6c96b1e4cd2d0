import { asZyx, type Numeric } from './checks';

/**
 * Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher's lower envelope of
 * parabolas, one separable pass per axis) with anisotropic voxel size, optionally carrying the
 * label of the nearest feature voxel along (for Voronoi partitions).
 *
 * Features are voxels where `isFeature(i)` holds (background for a distance transform, labelled
 * voxels for Voronoi). The result holds, for each voxel, the squared distance to the nearest
 * feature (Infinity when there is none) and, when `featureLabels` is given, that feature's label.
 *
 * Squared distances are stored as float32 (integers up to 2^24 are exact, so isotropic images up to
 * ~2000 voxels per side are exact); each line is solved in float64 buffers.
 */
export interface SquaredTransform {
  squared: Float32Array;
  nearest?: Int32Array;
}

export function squaredDistanceTransform(
  shape: readonly number[],
  spacing: readonly number[],
  isFeature: Numeric,
  featureIsZero: boolean,
  featureLabels?: Numeric,
): SquaredTransform {
  const [Z, Y, X] = asZyx(shape);
  const [sz, sy, sx] = shape.length === 3 ? spacing : [1, spacing[0], spacing[1]];
  const n = Z * Y * X;
  const squared = new Float32Array(n);
  const nearest = featureLabels ? new Int32Array(n) : undefined;
  if (n === 0) return { squared, nearest };

  // Pass along x (contiguous): distance to the nearest feature in the row, by two scans.
  if (featureLabels && nearest) rowPassWithLabels(squared, nearest, isFeature, featureIsZero, featureLabels, Z * Y, X, sx * sx);
  else rowPass(squared, isFeature, featureIsZero, Z * Y, X, sx * sx);

  // Pass along y, then z: lower envelope per line, lines gathered in blocks to stay cache-friendly.
  if (Y > 1) envelopeAlongAxis(squared, nearest, Z, Y, X, sy * sy);
  if (Z > 1) envelopeAlongAxis(squared, nearest, 1, Z, Y * X, sz * sz);
  return { squared, nearest };
}

/** Squared distance along each row to the nearest feature in that row (Infinity if none). */
function rowPass(squared: Float32Array, isFeature: Numeric, featureIsZero: boolean, rows: number, X: number, w: number): void {
  const flip = featureIsZero ? 0 : 1;
  for (let r = 0; r < rows; r++) {
    const base = r * X;
    let last = -1;
    for (let x = 0; x < X; x++) {
      const i = base + x;
      if ((isFeature[i] === 0 ? 1 : 0) !== flip) {
        last = x;
        squared[i] = 0;
      } else if (last >= 0) {
        const d = x - last;
        squared[i] = w * d * d;
      } else {
        squared[i] = Infinity;
      }
    }
    last = -1;
    for (let x = X - 1; x >= 0; x--) {
      const i = base + x;
      const s = squared[i];
      if (s === 0) {
        last = x;
      } else if (last >= 0) {
        const d = last - x;
        const dd = w * d * d;
        if (dd < s) squared[i] = dd;
      }
    }
  }
}

/** As rowPass, also carrying the label of the nearest feature (ties: the left one, as scipy). */
function rowPassWithLabels(
  squared: Float32Array,
  nearest: Int32Array,
  isFeature: Numeric,
  featureIsZero: boolean,
  labels: Numeric,
  rows: number,
  X: number,
  w: number,
): void {
  const flip = featureIsZero ? 0 : 1;
  for (let r = 0; r < rows; r++) {
    const base = r * X;
    let last = -1;
    let lastLabel = 0;
    for (let x = 0; x < X; x++) {
      const i = base + x;
      if ((isFeature[i] === 0 ? 1 : 0) !== flip) {
        last = x;
        lastLabel = labels[i];
        squared[i] = 0;
        nearest[i] = lastLabel;
      } else if (last >= 0) {
        const d = x - last;
        squared[i] = w * d * d;
        nearest[i] = lastLabel;
      } else {
        squared[i] = Infinity;
        // Written although 0 already: a fresh page is then faulted in once, by this write, instead of
        // once for a read (the shared zero page) and again for the later write.
        nearest[i] = 0;
      }
    }
    last = -1;
    for (let x = X - 1; x >= 0; x--) {
      const i = base + x;
      const s = squared[i];
      if (s === 0) {
        last = x;
        lastLabel = nearest[i];
      } else if (last >= 0) {
        const d = last - x;
        const dd = w * d * d;
        // Strictly closer only, so ties keep the feature on the left (lower index), as scipy does.
        if (dd < s) {
          squared[i] = dd;
          nearest[i] = lastLabel;
        }
      }
    }
  }
}

/**
 * Solve every line along the middle axis of a [outer, length, inner] view: element (o, i, a) is at
 * o*length*inner + i*inner + a. Lines for BLOCK consecutive `a` are copied into a contiguous buffer,
 * solved, and copied back, so memory is always read and written along the contiguous axis.
 */
function envelopeAlongAxis(
  squared: Float32Array,
  nearest: Int32Array | undefined,
  outer: number,
  length: number,
  inner: number,
  weight: number,
): void {
  const BLOCK = Math.min(inner, 32);
  const f = new Float64Array(BLOCK * length);
  const lab = nearest ? new Int32Array(BLOCK * length) : undefined;
  const line = new Float64Array(length);
  const lineLab = new Int32Array(length);
  const v = new Int32Array(length);
  const g = new Float64Array(length);
  const z = new Float64Array(length + 1);
  const busy = new Uint8Array(BLOCK);
  for (let o = 0; o < outer; o++) {
    const base = o * length * inner;
    for (let a0 = 0; a0 < inner; a0 += BLOCK) {
      const b = Math.min(BLOCK, inner - a0);
      // Gather: buffer line `k` holds (o, 0..length-1, a0+k). Lines that are all feature (0) or
      // all featureless (Infinity) are final already and are neither solved nor written back.
      busy.fill(0);
      for (let i = 0; i < length; i++) {
        const src = base + i * inner + a0;
        for (let k = 0; k < b; k++) {
          const d = squared[src + k];
          f[k * length + i] = d;
          busy[k] |= d === 0 ? 1 : d === Infinity ? 2 : 4;
        }
        if (lab && nearest) for (let k = 0; k < b; k++) lab[k * length + i] = nearest[src + k];
      }
      let anyBusy = false;
      for (let k = 0; k < b; k++) {
        // Solved only when it mixes values: some finite non-zero, or both 0 and Infinity.
        if (busy[k] < 3) {
          busy[k] = 0;
          continue;
        }
        busy[k] = 1;
        anyBusy = true;
        const off = k * length;
        solveLine(f, lab, off, length, weight, v, g, z, line, lineLab);
      }
      if (!anyBusy) continue;
      for (let i = 0; i < length; i++) {
        const dst = base + i * inner + a0;
        for (let k = 0; k < b; k++) if (busy[k]) squared[dst + k] = f[k * length + i];
        if (lab && nearest) for (let k = 0; k < b; k++) if (busy[k]) nearest[dst + k] = lab[k * length + i];
      }
    }
  }
}

/**
 * Solve one line in place. A feature (f = 0) stays 0 and no site beyond a feature can beat it, so
 * the line splits at its features: each stretch of non-features is solved with the features that
 * bound it. A mask that is mostly background is then solved only where its foreground is.
 */
function solveLine(
  f: Float64Array,
  lab: Int32Array | undefined,
  off: number,
  n: number,
  w: number,
  v: Int32Array,
  g: Float64Array,
  z: Float64Array,
  out: Float64Array,
  outLab: Int32Array,
): void {
  let q = 0;
  while (q < n) {
    if (f[off + q] === 0) {
      q++;
      continue;
    }
    let e = q + 1;
    while (e < n && f[off + e] !== 0) e++;
    // Stretch [q, e), bounded by the features at q - 1 and e when they exist.
    const lo = q > 0 ? q - 1 : 0;
    const hi = e < n ? e + 1 : n;
    if (lowerEnvelope(f, lab, off, lo, hi, w, v, g, z, out, outLab) > 0) {
      for (let i = q; i < e; i++) f[off + i] = out[i];
      if (lab) for (let i = q; i < e; i++) lab[off + i] = outLab[i];
    }
    q = e;
  }
}

/**
 * d(q) = min_p f(p) + w (q - p)^2 over the sites lo ≤ p < hi with finite f, for lo ≤ q < hi.
 * Writes into `out` (and `outLab`) at the same positions; returns the number of sites (0: no
 * finite value, nothing written).
 */
function lowerEnvelope(
  f: Float64Array,
  lab: Int32Array | undefined,
  off: number,
  lo: number,
  hi: number,
  w: number,
  v: Int32Array,
  g: Float64Array,
  z: Float64Array,
  out: Float64Array,
  outLab: Int32Array,
): number {
  // v: sites of the envelope, g: their f + w·p², z: where each starts to be the lowest.
  let k = -1;
  const w2 = 2 * w;
  for (let q = lo; q < hi; q++) {
    const fq = f[off + q];
    if (fq === Infinity) continue;
    const hq = fq + w * q * q;
    let s = -Infinity;
    while (k >= 0) {
      s = (hq - g[k]) / (w2 * (q - v[k]));
      if (s <= z[k]) k--;
      else break;
    }
    k++;
    v[k] = q;
    g[k] = hq;
    z[k] = k === 0 ? -Infinity : s;
  }
  if (k < 0) return 0;
  z[k + 1] = Infinity;
  let j = 0;
  for (let q = lo; q < hi; q++) {
    while (z[j + 1] < q) j++;
    const p = v[j];
    const d = q - p;
    out[q] = w * d * d + f[off + p];
    if (lab) outLab[q] = lab[off + p];
  }
  return k + 1;
}
