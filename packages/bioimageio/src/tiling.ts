import { BioimageioError } from './errors';
import type { ParameterizedSize } from './description/types';
import { validParameterizedSize } from './description/sizes';
import { allocate, dtypeOf, stridesOf, type NdArray } from './ndarray';

/**
 * Tiled prediction with a halo, for images larger than a model's input (or than memory allows).
 *
 * Along each spatial axis a tile of size T keeps its central T - 2h pixels (h: the halo, the context
 * the network needs on each side to compute a pixel as it would inside a larger image); tiles are
 * placed so their central parts cover the image, the last one shifted back to end at the image
 * edge; tile windows reaching past the image read it mirrored (numpy's `reflect`, the default pad
 * mode of bioimageio.core). The result is what one pass over the image padded the same way gives,
 * exactly, for any network whose output at a pixel depends only on inputs within h of it.
 *
 * Works in biaflow's model layout `[b, (z), y, x, c]`: every tile holds the whole batch and all
 * channels; `run` may return a different number of channels but must keep batch and spatial sizes.
 * Pre- and postprocessing that use image statistics belong outside (on the whole image).
 */
export interface TileAxisRule {
  /** The model's input size along this axis: fixed, or `{min, step}` (any min + n*step). */
  size: number | ParameterizedSize;
  /** Context needed on each side, in input pixels (the output axis' halo). */
  halo: number;
}

export interface TilingOptions {
  /** One rule per spatial axis, in model order (`[z,] y, x`). */
  axes: readonly TileAxisRule[];
  /**
   * For `{min, step}` axes, the largest tile to use per axis (rounded down to a valid size, never
   * below `min`); default: the whole axis plus its halo, i.e. a single pass.
   */
  maxTile?: readonly (number | undefined)[];
  /** The network on one tile, in model layout. */
  run: (tile: NdArray) => NdArray | Promise<NdArray>;
  /** Names the rules in messages (e.g. `outputs[0].axes`). */
  field?: string;
}

export interface AxisPlan {
  /** Tile size along the axis. */
  tile: number;
  halo: number;
  /** Start of each tile's kept (central) region in the image; the tile window starts `halo` earlier. */
  starts: number[];
  /** Length of the kept region of each tile. */
  keep: number[];
}

/** Tile size and tile positions along one axis of length `length`. */
export function planAxis(length: number, rule: TileAxisRule, maxTile: number | undefined, field?: string): AxisPlan {
  const { halo } = rule;
  if (!Number.isInteger(halo) || halo < 0) throw new BioimageioError(`halo must be a whole number >= 0, got ${halo}`, { field });
  let tile: number;
  if (typeof rule.size === 'number') {
    tile = rule.size;
  } else {
    // Enough for a single pass when allowed; never above maxTile unless the minimum size is.
    const { min, step } = rule.size;
    const largestAllowed = maxTile === undefined ? Infinity : Math.max(min, min + Math.floor((maxTile - min) / step) * step);
    tile = Math.min(validParameterizedSize(rule.size, length + 2 * halo), largestAllowed);
  }
  const valid = tile - 2 * halo;
  if (valid < 1) {
    const sizeText = typeof rule.size === 'number' ? `the input size ${tile}` : `a tile of ${tile} (${rule.size.min} + n*${rule.size.step}${maxTile !== undefined ? `, at most ${maxTile}` : ''})`;
    throw new BioimageioError(`${sizeText} is too small for a halo of ${halo} on each side: ${tile} - 2*${halo} < 1 leaves no valid pixel`, { field });
  }
  const starts: number[] = [];
  const keep: number[] = [];
  if (length <= valid) {
    starts.push(0);
    keep.push(length);
  } else {
    for (let s = 0; s < length; s += valid) {
      const start = Math.min(s, length - valid);
      starts.push(start);
      keep.push(valid);
      if (start + valid >= length) break;
    }
  }
  return { tile, halo, starts, keep };
}

/** numpy `reflect` indexing: -1 → 1, L → L-2 (the edge pixel is not repeated), periodic beyond. */
export function reflectIndex(i: number, length: number): number {
  if (length === 1) return 0;
  const period = 2 * (length - 1);
  const m = ((i % period) + period) % period;
  return m < length ? m : period - m;
}

/** Copy the window starting at `origin` (per spatial axis) of size `size` out of `image`, reflecting at the borders. */
export function extractWindow(image: NdArray, origin: readonly number[], size: readonly number[]): NdArray {
  const nd = image.shape.length;
  const spatial = image.shape.slice(1, nd - 1);
  const batch = image.shape[0];
  const channels = image.shape[nd - 1];
  const maps = size.map((s, a) => Int32Array.from({ length: s }, (_, j) => reflectIndex(origin[a] + j, spatial[a])));
  const shape = [batch, ...size, channels];
  const dtype = dtypeOf(image);
  const out = allocate(dtype, shape.reduce((p, s) => p * s, 1));
  const inStrides = stridesOf(image.shape);
  // Indexed as plain element containers: the same loop copies every typed array (bigint ones too).
  const src = image.data as unknown as { [i: number]: number };
  const dst = out as unknown as { [i: number]: number };
  const pixels = size.reduce((p, s) => p * s, 1);
  const index = new Array<number>(size.length).fill(0);
  let w = 0;
  for (let b = 0; b < batch; b++) {
    index.fill(0);
    for (let p = 0; p < pixels; p++) {
      let from = b * inStrides[0];
      for (let a = 0; a < size.length; a++) from += maps[a][index[a]] * inStrides[a + 1];
      for (let c = 0; c < channels; c++) dst[w++] = src[from + c];
      for (let a = size.length - 1; a >= 0; a--) {
        if (++index[a] < size[a]) break;
        index[a] = 0;
      }
    }
  }
  const result: NdArray = { data: out, shape };
  if (dtype === 'bool') result.dtype = 'bool';
  return result;
}

/** Predict `image` (`[b, (z), y, x, c]`) tile by tile; see the module comment. */
export async function predictTiled(image: NdArray, options: TilingOptions): Promise<NdArray> {
  const nd = image.shape.length;
  const spatial = image.shape.slice(1, nd - 1);
  if (options.axes.length !== spatial.length) {
    throw new BioimageioError(`${options.axes.length} tiling rules for ${spatial.length} spatial axes (image shape [${image.shape.join(', ')}], layout [b, ${spatial.length === 3 ? 'z, ' : ''}y, x, c])`, {
      field: options.field
    });
  }
  const plans = spatial.map((length, a) => planAxis(length, options.axes[a], options.maxTile?.[a], options.field && `${options.field}[${a}]`));
  const tileSize = plans.map((p) => p.tile);
  const batch = image.shape[0];
  let out: NdArray | undefined;
  let outStrides: number[] = [];

  const counts = plans.map((p) => p.starts.length);
  const total = counts.reduce((p, c) => p * c, 1);
  const which = new Array<number>(plans.length).fill(0);
  for (let t = 0; t < total; t++) {
    const origin = plans.map((p, a) => p.starts[which[a]] - p.halo);
    const tile = extractWindow(image, origin, tileSize);
    const result = await options.run(tile);
    const expected = [batch, ...tileSize];
    if (result.shape.length !== nd || expected.some((s, a) => result.shape[a] !== s)) {
      throw new BioimageioError(
        `the model returned shape [${result.shape.join(', ')}] for a tile of shape [${tile.shape.join(', ')}]; tiling needs outputs with the tile's batch and spatial size ([${expected.join(', ')}, channels])`,
        { field: options.field }
      );
    }
    const channels = result.shape[nd - 1];
    if (!out) {
      const shape = [batch, ...spatial, channels];
      const dtype = dtypeOf(result);
      out = { data: allocate(dtype, shape.reduce((p, s) => p * s, 1)), shape };
      if (dtype === 'bool') out.dtype = 'bool';
      outStrides = stridesOf(shape);
    } else if (channels !== out.shape[nd - 1]) {
      throw new BioimageioError(`the model returned ${channels} channels for one tile and ${out.shape[nd - 1]} for another`, { field: options.field });
    }
    pasteKept(result, out, outStrides, plans, which);
    for (let a = plans.length - 1; a >= 0; a--) {
      if (++which[a] < counts[a]) break;
      which[a] = 0;
    }
  }
  return out!;
}

/** Copy the kept (central) region of one tile's output into the full output. */
function pasteKept(result: NdArray, out: NdArray, outStrides: readonly number[], plans: readonly AxisPlan[], which: readonly number[]): void {
  const nd = result.shape.length;
  const channels = result.shape[nd - 1];
  const inStrides = stridesOf(result.shape);
  const keep = plans.map((p, a) => p.keep[which[a]]);
  const pixels = keep.reduce((p, k) => p * k, 1);
  const src = result.data as unknown as { [i: number]: number };
  const dst = out.data as unknown as { [i: number]: number };
  const index = new Array<number>(keep.length).fill(0);
  for (let b = 0; b < result.shape[0]; b++) {
    index.fill(0);
    for (let p = 0; p < pixels; p++) {
      let from = b * inStrides[0];
      let to = b * outStrides[0];
      for (let a = 0; a < keep.length; a++) {
        from += (plans[a].halo + index[a]) * inStrides[a + 1];
        to += (plans[a].starts[which[a]] + index[a]) * outStrides[a + 1];
      }
      for (let c = 0; c < channels; c++) dst[to + c] = src[from + c];
      for (let a = keep.length - 1; a >= 0; a--) {
        if (++index[a] < keep[a]) break;
        index[a] = 0;
      }
    }
  }
}
