import type { Tensor } from '@tensorflow/tfjs';
import type { Tf } from '@biaflow/core';
import { addChannels } from './channel-ops';

/**
 * The spatial operations the networks need, for 2D (`[B,y,x,C]`) and 3D (`[B,z,y,x,C]`) tensors.
 *
 * 3D on the wasm backend is built from 2D operations, because tfjs-backend-wasm 4.22's own 3D
 * kernels are wrong or slow: Conv3DBackpropInputV2 returns wrong input gradients for every
 * stride and padding, Conv3DBackpropFilterV2 wrong filter gradients for stride 2, MaxPool3D wrong
 * maxima on volumes larger than a few voxels, and Conv3D runs ~10x slower than the same
 * convolution as a sum of XNNPACK 2D convolutions. Its 2D MaxPoolGrad is wrong too (a window
 * whose maximum is negative passes no gradient), so 2D max pooling on wasm gets its gradient from
 * `maxPool2d` below. Reductions, slices and splits of rank-5 tensors are also very slow on wasm
 * (a channel sum of a [2,16,32,32,16] tensor: 136 ms, against 3 ms as [N, C]), so the layers do
 * their per-channel work on `[N, C]` views (`channelsView`). On other backends the native kernels
 * are used; both paths compute the same function with the same weights, so a model trained on one
 * backend predicts on the other.
 */

/** True on the wasm backend, where 3D operations go through 2D kernels and max pooling has its own gradient. */
export function usesWasmWorkarounds(tf: Tf): boolean {
  return tf.getBackend() === 'wasm';
}

/**
 * Convolution, stride 1, zero "same" padding, odd kernel sizes.
 * `x` [B, ...spatial, Ci], `w` [...k, Ci, Co].
 */
export function convNd(tf: Tf, x: Tensor, w: Tensor): Tensor {
  if (x.rank === 4) return tf.conv2d(x as never, w as never, 1, 'same');
  if (x.rank !== 5) throw new Error(`convNd: expected a 4D or 5D tensor, got rank ${x.rank}`);
  if (!usesWasmWorkarounds(tf)) return tf.conv3d(x as never, w as never, 1, 'same');
  // y[:, d] = Σ_i conv2d(x_pad[:, d + i], w[i]): the z taps of the kernel as 2D convolutions of
  // all planes at once. Slicing works on a rank-3 view because wasm's rank-5 Slice is very slow.
  const [b, d, h, wd, ci] = x.shape;
  const [kd, kh, kw, , co] = w.shape;
  const p = (kd - 1) / 2;
  const plane = h * wd * ci;
  const x3 = tf.reshape(x, [b, d, plane]);
  const padded = p > 0 ? tf.pad(x3, [[0, 0], [p, p], [0, 0]]) : x3;
  const taps = tf.reshape(w, [kd, kh * kw * ci * co]);
  let sum: Tensor | undefined;
  for (let i = 0; i < kd; i++) {
    const planes = kd === 1 ? padded : tf.slice(padded, [0, i, 0], [b, d, plane]);
    const xi = tf.reshape(planes, [b * d, h, wd, ci]);
    const wi = tf.reshape(kd === 1 ? taps : tf.slice(taps, [i, 0], [1, -1]), [kh, kw, ci, co]);
    const yi = tf.conv2d(xi as never, wi as never, 1, 'same');
    sum = sum ? tf.add(sum, yi) : yi;
  }
  return tf.reshape(sum as Tensor, [b, d, h, wd, co]);
}

/**
 * 2D max pooling, window = stride = `factors`, "valid". On wasm the gradient is computed here: the
 * output gradient goes to the input pixels equal to their window's maximum (like `tf.max`'s own
 * gradient, a tie sends it to every tied pixel).
 */
function maxPool2d(tf: Tf, x: Tensor, factors: number[]): Tensor {
  const f = factors as [number, number];
  if (!usesWasmWorkarounds(tf)) return tf.maxPool(x as never, f, f, 'valid');
  const pool = tf.customGrad(((input: Tensor, save: (ts: Tensor[]) => void) => {
    const value = tf.maxPool(input as never, f, f, 'valid');
    save([input, value]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ys] = saved;
        const [b, h, w, c] = xs.shape as number[];
        const [ho, wo] = [ys.shape[1] as number, ys.shape[2] as number];
        const covered = ho * f[0] !== h || wo * f[1] !== w ? tf.slice(xs, [0, 0, 0, 0], [b, ho * f[0], wo * f[1], c]) : xs;
        // Forward-only nearest upsampling (integer factors: source index = floor(i / f), exact).
        const up = (t: Tensor) => tf.image.resizeNearestNeighbor(t as never, [ho * f[0], wo * f[1]]);
        const mask = tf.cast(tf.equal(covered, up(ys)), 'float32');
        let dx = tf.mul(mask, up(dy));
        if (covered !== xs) dx = tf.pad(dx, [[0, 0], [0, h - ho * f[0]], [0, w - wo * f[1]], [0, 0]]);
        return dx;
      },
    };
  }) as never) as unknown as (input: Tensor) => Tensor;
  return pool(x);
}

/** Max pooling by integer factors per spatial axis ("valid": trailing pixels that do not fill a window are dropped). */
export function maxPoolNd(tf: Tf, x: Tensor, factors: number[]): Tensor {
  if (x.rank === 4) return maxPool2d(tf, x, factors);
  if (!usesWasmWorkarounds(tf)) {
    const f = factors as [number, number, number];
    return tf.maxPool3d(x as never, f, f, 'valid');
  }
  const [fz, fy, fx] = factors;
  const shape = x.shape as number[];
  const [b, d, c] = [shape[0], shape[1], shape[4]];
  let [h, w] = [shape[2], shape[3]];
  let out = x;
  if (fy > 1 || fx > 1) {
    const pooled = maxPool2d(tf, tf.reshape(out, [b * d, h, w, c]), [fy, fx]);
    [h, w] = [pooled.shape[1] as number, pooled.shape[2] as number];
    out = tf.reshape(pooled, [b, d, h, w, c]);
  }
  if (fz > 1) {
    const dz = Math.floor(d / fz);
    let x3 = tf.reshape(out, [b, d, h * w * c]);
    if (dz * fz !== d) x3 = tf.slice(x3, [0, 0, 0], [b, dz * fz, h * w * c]);
    out = tf.reshape(tf.max(tf.reshape(x3, [b * dz, fz, h * w * c]), 1), [b, dz, h, w, c]);
  }
  return out;
}

/**
 * Transposed convolution whose kernel equals its stride (the U-Net's learned upsampling): every
 * input pixel writes one block of `factors` output pixels, so it is one matrix product followed by a
 * depth-to-space rearrangement — fast on every backend, and differentiable with plain ops.
 * `x` [B, ...spatial, Ci], `w` [...factors, Co, Ci] (the Keras Conv{2,3}DTranspose layout).
 */
export function upConvNd(tf: Tf, x: Tensor, w: Tensor): Tensor {
  const nd = x.rank - 2;
  const ci = x.shape[x.rank - 1];
  const factors = w.shape.slice(0, nd);
  const co = w.shape[nd];
  // [...f, Co, Ci] → [Ci, ...f, Co] → [Ci, Π f · Co]
  const wm = tf.reshape(tf.transpose(w, [nd + 1, ...factors.map((_, i) => i), nd]), [ci, -1]);
  const y = tf.matMul(tf.reshape(x, [-1, ci]), wm as never);
  return depthToSpace(tf, y, x.shape.slice(0, nd + 1), factors, co);
}

/** `y` [B·Π spatial, Π f · C] laid out as [B, ...spatial, ...f, C] → [B, ...spatial·f, C]. */
function depthToSpace(tf: Tf, y: Tensor, lead: number[], f: number[], c: number): Tensor {
  if (f.length === 2) {
    const [b, h, w] = lead;
    const t = tf.reshape(y, [b * h, w, f[0], f[1] * c]);
    return tf.reshape(tf.transpose(t, [0, 2, 1, 3]), [b, h * f[0], w * f[1], c]);
  }
  // Two rank-4 transposes (wasm's rank-6 transpose is slow): (b,d,h,w,i,j,k,c) → (b,d,i,h,w,j,k,c) → (b,d,i,h,j,w,k,c).
  const [b, d, h, w] = lead;
  const t1 = tf.transpose(tf.reshape(y, [b * d, h * w, f[0], f[1] * f[2] * c]), [0, 2, 1, 3]);
  const t2 = tf.transpose(tf.reshape(t1, [b * d * f[0] * h, w, f[1], f[2] * c]), [0, 2, 1, 3]);
  return tf.reshape(t2, [b, d * f[0], h * f[1], w * f[2], c]);
}

/** Nearest-neighbour upsampling by integer factors, one axis at a time (rank-4 tiles have gradients everywhere). */
export function upsampleNd(tf: Tf, x: Tensor, factors: number[]): Tensor {
  let out = x;
  factors.forEach((f, i) => {
    if (f === 1) return;
    const shape = out.shape;
    const axis = i + 1;
    const before = shape.slice(0, axis).reduce((a, v) => a * v, 1);
    const after = shape.slice(axis + 1).reduce((a, v) => a * v, 1);
    const n = shape[axis];
    const tiled = tf.tile(tf.reshape(out, [before, n, 1, after]), [1, 1, f, 1]);
    const next = shape.slice();
    next[axis] = n * f;
    out = tf.reshape(tiled, next);
  });
  return out;
}

/** Mean over the spatial axes; `[B, C]`, or `[B, 1, …, 1, C]` with `keepDims`. */
export function globalAvgPoolNd(tf: Tf, x: Tensor, keepDims: boolean): Tensor {
  const b = x.shape[0] as number;
  const c = x.shape[x.rank - 1] as number;
  const mean = tf.mean(tf.reshape(x, [b, -1, c]), 1);
  return keepDims ? tf.reshape(mean, [b, ...Array<number>(x.rank - 2).fill(1), c]) : mean;
}

/** `x` as `[N, C]` (every axis but the channels flattened): the layout per-channel work is fast in. */
export function channelsView(tf: Tf, x: Tensor): Tensor {
  return tf.reshape(x, [-1, x.shape[x.rank - 1] as number]);
}

/** `x + bias` (bias `[C]`), on the `[N, C]` view, its gradient a fast channel sum (channel-ops.ts). */
export function addBias(tf: Tf, x: Tensor, bias: Tensor): Tensor {
  return tf.reshape(addChannels(tf, channelsView(tf, x), bias), x.shape);
}

/** Concatenate along channels, on `[N, C]` views so the gradient splits a rank-2 tensor. */
export function concatChannels(tf: Tf, xs: Tensor[]): Tensor {
  const out = tf.concat(xs.map((x) => channelsView(tf, x)), 1);
  const shape = xs[0].shape.slice();
  shape[shape.length - 1] = out.shape[1] as number;
  return tf.reshape(out, shape);
}

/**
 * `x · gate` where the gate broadcasts: one value per channel and image (`[B, 1, …, 1, C]`,
 * squeeze-and-excitation) or one per pixel (`[B, …spatial, 1]`, attention), on rank-3 / rank-2 views.
 */
export function scaleBy(tf: Tf, x: Tensor, gate: Tensor): Tensor {
  const c = x.shape[x.rank - 1] as number;
  const b = x.shape[0] as number;
  if (gate.shape.slice(1, -1).every((v) => v === 1)) {
    return tf.reshape(tf.mul(tf.reshape(x, [b, -1, c]), tf.reshape(gate, [b, 1, -1])), x.shape);
  }
  if (gate.shape[gate.rank - 1] === 1) return tf.reshape(tf.mul(channelsView(tf, x), tf.reshape(gate, [-1, 1])), x.shape);
  return tf.mul(x, gate);
}
