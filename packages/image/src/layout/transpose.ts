import { allocate, dtypeOf, product } from './dtype';
import type { NdArray, TypedArray } from '../types';

/**
 * Permute the axes of a C-order array: output axis `i` is input axis `perm[i]` (numpy's transpose).
 * Returns the input untouched when the permutation is the identity on non-trivial axes. Copies run
 * along the innermost output axis, with strides precomputed, so no per-element index arithmetic
 * beyond one add.
 */
export function transpose<T extends TypedArray>(a: NdArray<T>, perm: readonly number[]): NdArray<T> {
  const nd = a.shape.length;
  if (perm.length !== nd || new Set(perm).size !== nd || perm.some((p) => p < 0 || p >= nd)) {
    throw new RangeError(`invalid permutation [${perm.join(', ')}] for ${nd} axes`);
  }
  const outShape = perm.map((p) => a.shape[p]);
  // Order of the non-singleton axes unchanged → same memory layout, only the shape differs.
  const moved = perm.filter((p) => a.shape[p] !== 1);
  if (moved.every((p, i) => i === 0 || p > moved[i - 1])) return { data: a.data, shape: outShape };

  const inStrides = new Array<number>(nd);
  let s = 1;
  for (let i = nd - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= a.shape[i];
  }
  const strides = perm.map((p) => inStrides[p]);
  const total = product(outShape);
  const out = allocate(dtypeOf(a.data), total) as T;
  const src = a.data;
  const inner = outShape[nd - 1];
  const innerStride = strides[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let base = 0; // input offset of idx[0..nd-2], inner index 0
  for (let o = 0; o < total; o += inner) {
    for (let k = 0, p = base; k < inner; k++, p += innerStride) out[o + k] = src[p];
    // odometer over the outer axes
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < outShape[d]) break;
      base -= strides[d] * outShape[d];
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}
