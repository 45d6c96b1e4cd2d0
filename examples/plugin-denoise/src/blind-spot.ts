import type { NdArray, RandomGenerator } from '@biaflow/core';

export interface BlindSpotOptions {
  /** Spatial dimensions (the array is channels last: `[y, x, c]` or `[z, y, x, c]`). */
  ndim: 2 | 3;
  /** Fraction of pixels masked. */
  fraction: number;
  /** Side of the window a replacement value is drawn from (odd). */
  neighbourhood: number;
  random: RandomGenerator;
}

/**
 * Noise2Void's blind-spot masking of one training patch. Pixels are chosen by stratified sampling
 * (one at a random place in each cell of a grid whose cells hold about 1/fraction pixels); each is
 * replaced, in the network's input, by the value of another pixel drawn uniformly from the window
 * around it (never itself). The target holds, per channel, the original value and a mask channel
 * (1 at the chosen pixels), so the loss sees only the pixels the network could not see.
 *
 * Returns the masked input `[..spatial, c]` and the target `[..spatial, 2c]` (values, then masks).
 */
export function blindSpot(image: NdArray<Float32Array>, options: BlindSpotOptions): { input: NdArray<Float32Array>; target: NdArray<Float32Array> } {
  const { ndim, random } = options;
  const spatial = image.shape.slice(0, ndim);
  const c = image.shape[ndim] ?? 1;
  const voxels = spatial.reduce((a, v) => a * v, 1);
  const input = image.data.slice();
  const target = new Float32Array(voxels * 2 * c);
  for (let v = 0; v < voxels; v++) for (let k = 0; k < c; k++) target[v * 2 * c + k] = image.data[v * c + k];
  // Grid cell side so a cell holds about 1/fraction pixels.
  const side = Math.max(1, Math.round(Math.pow(1 / options.fraction, 1 / ndim)));
  const half = (options.neighbourhood - 1) / 2;
  const strides = spatial.map((_, d) => spatial.slice(d + 1).reduce((a, v) => a * v, 1));
  const cells = spatial.map((n) => Math.ceil(n / side));
  const cellCount = cells.reduce((a, v) => a * v, 1);
  const at = new Array<number>(ndim);
  const from = new Array<number>(ndim);
  for (let cell = 0; cell < cellCount; cell++) {
    let rest = cell;
    let inside = true;
    for (let d = ndim - 1; d >= 0; d--) {
      const index = rest % cells[d];
      rest = Math.floor(rest / cells[d]);
      at[d] = index * side + random.int(side);
      if (at[d] >= spatial[d]) inside = false;
    }
    if (!inside) continue;
    // A random other pixel of the window (clipped to the patch).
    do {
      for (let d = 0; d < ndim; d++) from[d] = Math.min(spatial[d] - 1, Math.max(0, at[d] + random.intBetween(-half, half)));
    } while (from.every((f, d) => f === at[d]));
    let to = 0;
    let src = 0;
    for (let d = 0; d < ndim; d++) {
      to += at[d] * strides[d];
      src += from[d] * strides[d];
    }
    for (let k = 0; k < c; k++) {
      input[to * c + k] = image.data[src * c + k];
      target[to * 2 * c + c + k] = 1;
    }
  }
  return { input: { data: input, shape: image.shape.slice() }, target: { data: target, shape: [...spatial, 2 * c] } };
}

/** The target without masking: every pixel counts, the input is the noisy image itself (identity learning). */
export function unmasked(image: NdArray<Float32Array>, ndim: 2 | 3): NdArray<Float32Array> {
  const spatial = image.shape.slice(0, ndim);
  const c = image.shape[ndim] ?? 1;
  const voxels = spatial.reduce((a, v) => a * v, 1);
  const target = new Float32Array(voxels * 2 * c);
  for (let v = 0; v < voxels; v++) {
    for (let k = 0; k < c; k++) {
      target[v * 2 * c + k] = image.data[v * c + k];
      target[v * 2 * c + c + k] = 1;
    }
  }
  return { data: target, shape: [...spatial, 2 * c] };
}
