import type { NdArray } from '../types';

/** Mirror index beyond the end of an axis of length n (reflection without repeating the edge, periodic when far out). */
function reflectFarEnd(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const k = i % period;
  return k < n ? k : period - k;
}

/**
 * Copy `[B, ...spatial, C]` into `[B, ...spatial', C]`, reading each output position from
 * `source(axis, index)` along every spatial axis: the one loop behind padding and cropping.
 */
function remap(image: NdArray<Float32Array>, spatialOut: number[], source: (axis: number, i: number) => number): NdArray<Float32Array> {
  const [b] = image.shape;
  const c = image.shape[image.shape.length - 1];
  const spatialIn = image.shape.slice(1, -1);
  const nd = spatialIn.length;
  const outShape = [b, ...spatialOut, c];
  const out = new Float32Array(outShape.reduce((a, v) => a * v, 1));
  const maps = spatialOut.map((n, axis) => Int32Array.from({ length: n }, (_, i) => source(axis, i)));
  // Strides (in elements) of the input along batch and each spatial axis.
  const inStrides = Array<number>(nd + 1);
  let s = c;
  for (let a = nd - 1; a >= 0; a--) {
    inStrides[a + 1] = s;
    s *= spatialIn[a];
  }
  inStrides[0] = s;
  const last = nd - 1;
  const xMap = maps[last];
  const xLen = spatialOut[last];
  const idx = Array<number>(nd).fill(0);
  let o = 0;
  for (let bi = 0; bi < b; bi++) {
    idx.fill(0);
    for (;;) {
      let base = bi * inStrides[0];
      for (let a = 0; a < last; a++) base += maps[a][idx[a]] * inStrides[a + 1];
      for (let x = 0; x < xLen; x++) {
        const from = base + xMap[x] * c;
        for (let ch = 0; ch < c; ch++) out[o++] = image.data[from + ch];
      }
      let a = last - 1;
      while (a >= 0 && ++idx[a] === spatialOut[a]) idx[a--] = 0;
      if (a < 0) break;
    }
  }
  return { data: out, shape: outShape };
}

/** Pad `[B, ...spatial, C]` at the end of each spatial axis to `spatial'` by mirror reflection. */
export function padSpatialEnd(image: NdArray<Float32Array>, spatial: number[]): NdArray<Float32Array> {
  const n = image.shape.slice(1, -1);
  if (spatial.every((v, i) => v === n[i])) return image;
  return remap(image, spatial, (axis, i) => reflectFarEnd(i, n[axis]));
}

/** Keep the first `spatial` positions of each spatial axis of `[B, ...spatial', C]`. */
export function cropSpatial(image: NdArray<Float32Array>, spatial: number[]): NdArray<Float32Array> {
  const n = image.shape.slice(1, -1);
  if (spatial.every((v, i) => v === n[i])) return image;
  return remap(image, spatial, (_axis, i) => i);
}
