/**
 * Axis permutations of dense row-major arrays: tfjs's channels-last tensors and kernels to ONNX's
 * channels-first layouts and back. Pure typed-array code (no tfjs, no Node).
 */

/** `data` of shape `shape` with its axes reordered: output axis i is input axis `perm[i]`. */
export function transpose(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const rank = shape.length;
  if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    throw new Error(`transpose: [${perm}] is not a permutation of ${rank} axes`);
  }
  const size = shape.reduce((a, v) => a * v, 1);
  if (data.length !== size) throw new Error(`transpose: ${data.length} values for shape [${shape}]`);
  const out = new Float32Array(size);
  if (size === 0 || rank === 0) {
    out.set(data);
    return out;
  }
  const inStrides = Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; a--) {
    inStrides[a] = s;
    s *= shape[a];
  }
  const outShape = perm.map((p) => shape[p]);
  // Input stride of each output axis: walking the output in order, step through the input by these.
  const step = perm.map((p) => inStrides[p]);
  const last = rank - 1;
  const n = outShape[last];
  const s = step[last];
  const idx = Array<number>(rank).fill(0);
  let o = 0;
  let base = 0;
  for (;;) {
    for (let i = 0, from = base; i < n; i++, from += s) out[o++] = data[from];
    let a = last - 1;
    while (a >= 0) {
      base += step[a];
      if (++idx[a] < outShape[a]) break;
      base -= step[a] * outShape[a];
      idx[a--] = 0;
    }
    if (a < 0) break;
  }
  return out;
}

/** Permutation taking `[B, ...spatial, C]` to `[B, C, ...spatial]`. */
export function channelsFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

/** Permutation taking `[B, C, ...spatial]` to `[B, ...spatial, C]`. */
export function channelsLastPerm(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}
