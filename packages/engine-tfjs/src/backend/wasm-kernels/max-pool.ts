import type { Tf } from '@biaflow/core';
import type { KernelBackend, TensorInfo } from './call-kernel';
import { replaceKernel } from './replace-kernel';

type Pad = 'valid' | 'same' | number;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** Pooling geometry in 3D; 2D pooling is the case depth = 1. */
interface Geometry {
  B: number;
  D: number;
  H: number;
  W: number;
  C: number;
  outD: number;
  outH: number;
  outW: number;
  fd: number;
  fh: number;
  fw: number;
  sd: number;
  sh: number;
  sw: number;
  front: number;
  top: number;
  left: number;
}

/**
 * Max pooling kernels wasm gets wrong or runs slowly:
 * - MaxPoolGrad / MaxPool3DGrad: wasm's kernels recompute every window once per input pixel, and
 *   its 2D one disagrees with the cpu backend when windows overlap. Here: one pass that sends each
 *   dy value to the arg-max of its window. Ties go where the cpu backend sends them (the first
 *   maximum in 2D, the last in 3D).
 * - MaxPool3D: wasm's starts each window's maximum at FLT_MIN (the smallest positive float), so a
 *   window of negative values pools to 1e-38 instead of its maximum.
 */
export function installMaxPool(tf: Tf): void {
  const geometry2d = (shape: number[], attrs: PoolAttrs): Geometry => {
    const info = tf.backend_util.computePool2DInfo(shape as never, attrs.filterSize as never, attrs.strides as never, 1, attrs.pad, attrs.dimRoundingMode);
    return {
      B: info.batchSize,
      D: 1,
      H: info.inHeight,
      W: info.inWidth,
      C: info.inChannels,
      outD: 1,
      outH: info.outHeight,
      outW: info.outWidth,
      fd: 1,
      fh: info.filterHeight,
      fw: info.filterWidth,
      sd: 1,
      sh: info.strideHeight,
      sw: info.strideWidth,
      front: 0,
      top: info.padInfo.top,
      left: info.padInfo.left,
    };
  };
  const geometry3d = (shape: number[], attrs: PoolAttrs): Geometry => {
    const info = tf.backend_util.computePool3DInfo(shape as never, attrs.filterSize as never, attrs.strides as never, 1, attrs.pad, attrs.dimRoundingMode);
    return {
      B: info.batchSize,
      D: info.inDepth,
      H: info.inHeight,
      W: info.inWidth,
      C: info.inChannels,
      outD: info.outDepth,
      outH: info.outHeight,
      outW: info.outWidth,
      fd: info.filterDepth,
      fh: info.filterHeight,
      fw: info.filterWidth,
      sd: info.strideDepth,
      sh: info.strideHeight,
      sw: info.strideWidth,
      front: info.padInfo.front,
      top: info.padInfo.top,
      left: info.padInfo.left,
    };
  };

  replaceKernel(tf, 'MaxPoolGrad', () => (args) => {
    const { dy, input } = args.inputs as unknown as { dy: TensorInfo; input: TensorInfo };
    const backend = args.backend as unknown as KernelBackend;
    const dx = backend.makeOutput(input.shape, 'float32');
    maxPoolScan(backend, input, dx, geometry2d(input.shape, args.attrs as never), false, dy);
    return dx as never;
  });

  replaceKernel(tf, 'MaxPool3DGrad', (original) => (args) => {
    const { dy, input } = args.inputs as unknown as { dy: TensorInfo; input: TensorInfo };
    if (!isNDHWC(args.attrs)) return original(args);
    const backend = args.backend as unknown as KernelBackend;
    const dx = backend.makeOutput(input.shape, 'float32');
    maxPoolScan(backend, input, dx, geometry3d(input.shape, args.attrs as never), true, dy);
    return dx as never;
  });

  replaceKernel(tf, 'MaxPool3D', (original) => (args) => {
    const { x } = args.inputs as unknown as { x: TensorInfo };
    if (!isNDHWC(args.attrs) || x.dtype !== 'float32') return original(args);
    const g = geometry3d(x.shape, args.attrs as never);
    const backend = args.backend as unknown as KernelBackend;
    const out = backend.makeOutput([g.B, g.outD, g.outH, g.outW, g.C], 'float32');
    maxPoolScan(backend, x, out, g, true);
    return out as never;
  });
}

interface PoolAttrs {
  filterSize: number | number[];
  strides: number | number[];
  pad: Pad;
  dimRoundingMode?: Rounding;
  dataFormat?: string;
}

function isNDHWC(attrs: unknown): boolean {
  const f = (attrs as PoolAttrs).dataFormat;
  return !f || f === 'NDHWC';
}

/**
 * For every window, in scan order (depth, row, column) over the part inside the input: without
 * `dy`, write the window's maximum to `out` (the pooled tensor); with `dy`, add the window's dy
 * value to `out` (shaped like the input) at the arg-max.
 */
function maxPoolScan(backend: KernelBackend, input: TensorInfo, out: TensorInfo, g: Geometry, lastWins: boolean, dy?: TensorInfo): void {
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const o = backend.typedArrayFromHeap(out) as Float32Array;
  const grad = dy ? (backend.typedArrayFromHeap(dy) as Float32Array) : null;
  if (grad) o.fill(0);
  const { B, D, H, W, C, outD, outH, outW, fd, fh, fw, sd, sh, sw, front, top, left } = g;
  const sW = C;
  const sH = W * C;
  const sD = H * W * C;
  let oi = 0; // index into the pooled layout [B, outD, outH, outW, C]
  for (let b = 0; b < B; b++) {
    for (let od = 0; od < outD; od++) {
      const d0 = od * sd - front;
      const dMin = Math.max(0, d0);
      const dMax = Math.min(D, d0 + fd);
      for (let oy = 0; oy < outH; oy++) {
        const y0 = oy * sh - top;
        const yMin = Math.max(0, y0);
        const yMax = Math.min(H, y0 + fh);
        for (let ox = 0; ox < outW; ox++) {
          const x0 = ox * sw - left;
          const xMin = Math.max(0, x0);
          const xMax = Math.min(W, x0 + fw);
          const corner = b * D * sD;
          for (let c = 0; c < C; c++, oi++) {
            let best = -1;
            let bestV = Number.NEGATIVE_INFINITY;
            for (let d = dMin; d < dMax; d++) {
              for (let y = yMin; y < yMax; y++) {
                let p = corner + d * sD + y * sH + xMin * sW + c;
                for (let xx = xMin; xx < xMax; xx++, p += sW) {
                  const v = x[p];
                  if (v > bestV || (lastWins && v === bestV) || best < 0) {
                    bestV = v;
                    best = p;
                  }
                }
              }
            }
            if (grad) {
              if (best >= 0) o[best] += grad[oi];
            } else {
              o[oi] = best >= 0 ? bestV : Number.NEGATIVE_INFINITY;
            }
          }
        }
      }
    }
  }
}
