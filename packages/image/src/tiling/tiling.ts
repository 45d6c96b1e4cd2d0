import type { NdArray } from '../types';
import { reflectIndex, sizeOf } from '../ndarray';

/**
 * Tiled prediction: cut an image or volume into overlapping patches, predict them a batch at a
 * time, and blend the predictions back into one output.
 *
 * Geometry, per spatial axis: a patch of `patchSize` samples has `padding` samples of context on
 * each side whose prediction is thrown away; the middle (the *core*) is what lands in the output.
 * Cores overlap by the `overlap` fraction. Samples outside the image are read with numpy
 * `reflect` indices (the edge sample is not repeated), so context at the borders and images
 * smaller than a patch need no padded copy of the image.
 *
 * Blending: each core is weighted by a separable ramp that rises over the overlap, except on sides
 * facing the image border, so neighbouring predictions cross-fade linearly and no seam shows.
 * Because every tile on a given row shares the same 1D weights, the sum of weights is the product
 * of per-axis sums: it is never stored as a full-size array.
 *
 * Memory: the float32 output plus one batch of input tiles and one of predictions; the tiles are
 * never all materialized.
 */
export interface TileOptions {
  /** Patch size given to the model, spatial axes only (`[y, x]` or `[z, y, x]`). */
  patchSize: readonly number[];
  /** Fraction of the core shared with the neighbouring tile, in [0, 1); per axis or one for all. Default 0.25. */
  overlap?: number | readonly number[];
  /** Context in pixels on each side of a patch whose prediction is discarded; per axis or one for all. Default 0. */
  padding?: number | readonly number[];
  /** Tiles per call of `predictBatch`. Default 1. */
  batchSize?: number;
  /** Called after each batch with the tiles done so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Predicts one batch `[b, ...patchSize, C]` → `[b, ...patchSize, Cout]` (any numeric array; read once). */
export type PredictBatch = (batch: NdArray<Float32Array>) => Promise<NdArray>;

/** Where tiles go along one axis. */
export interface AxisPlan {
  size: number;
  patch: number;
  padding: number;
  /** Length of the kept middle of a patch: patch − 2·padding. */
  core: number;
  /** Start of each tile's core in image coordinates (the patch starts `padding` earlier). */
  starts: number[];
  /** Blending weight of each tile along this axis, over its core. */
  weights: Float32Array[];
  /** Sum over tiles of the weights at each image position. */
  weightSum: Float64Array;
}

export function planAxis(size: number, patch: number, overlap: number, padding: number): AxisPlan {
  if (!Number.isInteger(patch) || patch < 1) throw new RangeError(`patch size must be a positive integer (got ${patch})`);
  if (!(overlap >= 0 && overlap < 1)) throw new RangeError(`overlap must be in [0, 1) (got ${overlap})`);
  if (!Number.isInteger(padding) || padding < 0 || 2 * padding >= patch) {
    throw new RangeError(`padding must be an integer in [0, patch/2) (got ${padding} for patch ${patch})`);
  }
  const core = patch - 2 * padding;
  const step = Math.max(1, Math.floor(core * (1 - overlap)));
  const starts: number[] = [];
  if (size <= core) starts.push(0);
  else {
    for (let s = 0; s + core < size; s += step) starts.push(s);
    // The last core ends exactly at the border instead of running past it.
    starts.push(size - core);
  }
  const weights = starts.map((start, k) => {
    const w = new Float32Array(core);
    const leftRamp = k === 0 ? 0 : Math.max(0, starts[k - 1] + core - start);
    const rightRamp = k === starts.length - 1 ? 0 : Math.max(0, start + core - starts[k + 1]);
    for (let i = 0; i < core; i++) {
      const l = leftRamp > 0 ? (i + 1) / (leftRamp + 1) : 1;
      const r = rightRamp > 0 ? (core - i) / (rightRamp + 1) : 1;
      w[i] = Math.min(1, l, r);
    }
    return w;
  });
  const weightSum = new Float64Array(size);
  starts.forEach((start, k) => {
    const w = weights[k];
    for (let i = 0; i < core && start + i < size; i++) weightSum[start + i] += w[i];
  });
  return { size, patch, padding, core, starts, weights, weightSum };
}

/** The tile grid of a spatial shape. */
export function planTiles(spatial: readonly number[], options: TileOptions): AxisPlan[] {
  const n = spatial.length;
  if (options.patchSize.length !== n) {
    throw new RangeError(`patchSize has ${options.patchSize.length} axes but the image has ${n} spatial axes`);
  }
  const perAxis = (v: number | readonly number[] | undefined, fallback: number, what: string) => {
    if (v === undefined) return new Array<number>(n).fill(fallback);
    if (typeof v === 'number') return new Array<number>(n).fill(v);
    if (v.length !== n) throw new RangeError(`${what} has ${v.length} values for ${n} spatial axes`);
    return [...v];
  };
  const overlap = perAxis(options.overlap, 0.25, 'overlap');
  const padding = perAxis(options.padding, 0, 'padding');
  return spatial.map((size, d) => planAxis(size, options.patchSize[d], overlap[d], padding[d]));
}

/**
 * Predict `image` (`[y, x, c]` or `[z, y, x, c]`, any dtype, already normalized as the model
 * expects) tile by tile; returns float32 `[..spatial, Cout]`.
 */
export async function predictTiled(image: NdArray, predictBatch: PredictBatch, options: TileOptions): Promise<NdArray<Float32Array>> {
  const ndim = image.shape.length - 1;
  if (ndim !== 2 && ndim !== 3) {
    throw new RangeError(`predictTiled needs [y, x, c] or [z, y, x, c] (got shape [${image.shape.join(', ')}])`);
  }
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1));
  // A 2D image is a volume of one plane: one code path for both.
  const spatial3 = ndim === 2 ? [1, ...image.shape.slice(0, 2)] : image.shape.slice(0, 3);
  const patch3 = ndim === 2 ? [1, ...options.patchSize] : [...options.patchSize];
  const plans = planTiles(image.shape.slice(0, ndim), options);
  const [pz, py, px] = ndim === 2 ? [planAxis(1, 1, 0, 0), plans[0], plans[1]] : plans;
  const channels = image.shape[ndim];
  const tiles: [number, number, number][] = [];
  for (let a = 0; a < pz.starts.length; a++)
    for (let b = 0; b < py.starts.length; b++) for (let c = 0; c < px.starts.length; c++) tiles.push([a, b, c]);

  const patchVoxels = sizeOf(patch3);
  const input = new Float32Array(batchSize * patchVoxels * channels);
  let output: Float32Array | undefined;
  let outChannels = 0;
  const [Z, Y, X] = spatial3;

  for (let first = 0; first < tiles.length; first += batchSize) {
    const batch = tiles.slice(first, first + batchSize);
    for (let t = 0; t < batch.length; t++) {
      const [a, b, c] = batch[t];
      readTile(image.data, spatial3, channels, [pz.starts[a] - pz.padding, py.starts[b] - py.padding, px.starts[c] - px.padding], patch3, input, t * patchVoxels * channels);
    }
    const used = batch.length === batchSize ? input : input.subarray(0, batch.length * patchVoxels * channels);
    const pred = await predictBatch({ data: used, shape: [batch.length, ...options.patchSize, channels] });
    const perTile = pred.data.length / batch.length;
    const cout = perTile / patchVoxels;
    const expected = [batch.length, ...options.patchSize];
    if (!Number.isInteger(cout) || cout < 1 || pred.shape.length !== ndim + 2 || expected.some((s, i) => pred.shape[i] !== s)) {
      throw new RangeError(
        `the model returned shape [${pred.shape.join(', ')}] for a batch of shape [${[batch.length, ...options.patchSize, channels].join(', ')}]; expected [${expected.join(', ')}, C]`,
      );
    }
    if (!output) {
      outChannels = cout;
      output = new Float32Array(Z * Y * X * cout);
    } else if (cout !== outChannels) {
      throw new RangeError(`the model returned ${cout} channels for one batch and ${outChannels} for another`);
    }
    for (let t = 0; t < batch.length; t++) {
      const [a, b, c] = batch[t];
      accumulateTile(output, spatial3, cout, pred.data, t * perTile, patch3, [pz, py, px], [a, b, c]);
    }
    options.onProgress?.(Math.min(first + batchSize, tiles.length), tiles.length);
  }
  if (!output) throw new RangeError('no tiles to predict (empty image)');

  // Divide by the summed weights, which factor per axis.
  let o = 0;
  for (let z = 0; z < Z; z++) {
    const wz = pz.weightSum[z];
    for (let y = 0; y < Y; y++) {
      const wzy = wz * py.weightSum[y];
      for (let x = 0; x < X; x++) {
        const inv = 1 / (wzy * px.weightSum[x]);
        for (let c = 0; c < outChannels; c++) output[o++] *= inv;
      }
    }
  }
  return { data: output, shape: [...image.shape.slice(0, ndim), outChannels] };
}

/** Copy one patch (reflect-indexed at the borders) into `dst` at `at`, as float32. */
function readTile(
  src: ArrayLike<number>,
  spatial: number[],
  channels: number,
  origin: number[],
  patch: number[],
  dst: Float32Array,
  at: number,
): void {
  const [Z, Y, X] = spatial;
  const xs = new Int32Array(patch[2]);
  for (let i = 0; i < patch[2]; i++) xs[i] = reflectIndex(origin[2] + i, X) * channels;
  let o = at;
  for (let z = 0; z < patch[0]; z++) {
    const sz = reflectIndex(origin[0] + z, Z) * Y;
    for (let y = 0; y < patch[1]; y++) {
      const row = (sz + reflectIndex(origin[1] + y, Y)) * X * channels;
      for (let x = 0; x < patch[2]; x++) {
        const base = row + xs[x];
        for (let c = 0; c < channels; c++) dst[o++] = src[base + c];
      }
    }
  }
}

/** Add one tile's core, weighted, into the output. */
function accumulateTile(
  out: Float32Array,
  spatial: number[],
  channels: number,
  pred: ArrayLike<number>,
  at: number,
  patch: number[],
  plans: AxisPlan[],
  tile: number[],
): void {
  const [Z, Y, X] = spatial;
  const [pz, py, px] = plans;
  const [wz, wy, wx] = tile.map((k, d) => plans[d].weights[k]);
  const [sz, sy, sx] = tile.map((k, d) => plans[d].starts[k]);
  const endZ = Math.min(pz.core, Z - sz);
  const endY = Math.min(py.core, Y - sy);
  const endX = Math.min(px.core, X - sx);
  for (let z = 0; z < endZ; z++) {
    for (let y = 0; y < endY; y++) {
      const w = wz[z] * wy[y];
      let p = at + (((z + pz.padding) * patch[1] + (y + py.padding)) * patch[2] + px.padding) * channels;
      let o = (((sz + z) * Y + (sy + y)) * X + sx) * channels;
      for (let x = 0; x < endX; x++) {
        const wxy = w * wx[x];
        for (let c = 0; c < channels; c++) out[o++] += pred[p++] * wxy;
      }
    }
  }
}
