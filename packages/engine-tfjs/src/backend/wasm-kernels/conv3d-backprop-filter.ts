import type { Tf } from '@biaflow/core';
import { withKernelCalls, type KernelCalls, type TensorInfo } from './call-kernel';
import { copyBox } from './copy-box';
import { cropNegativePads, triple, type Pad3D, type Pads3D, type Triple } from './conv3d';
import { replaceKernel } from './replace-kernel';

/**
 * Conv3DBackpropFilterV2 through XNNPACK. wasm's own kernel is a plain loop (~1 s for a 3×3×3
 * filter of a [2,32,64,64,8] volume). For each depth tap t, the filter gradient is a 2D filter
 * gradient over all (b, od) pairs of x slice (b, od·sd + t − front) with dy slice (b, od):
 * computed, like the 2D kernel, as a convolution of x (as [Ci,H,W,B·Do]) with dy (as the filter
 * [Ho,Wo,B·Do,Co]) at dilation = stride. dy is rearranged once for all taps.
 */
export function installConv3DBackpropFilter(tf: Tf): void {
  replaceKernel(tf, 'Conv3DBackpropFilterV2', () => (args) => {
    const { x, dy } = args.inputs as unknown as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, filterShape } = args.attrs as unknown as { strides: number | Triple; pad: Pad3D; filterShape: number[] };
    const info = tf.backend_util.computeConv3DInfo(
      x.shape as [number, number, number, number, number],
      filterShape as [number, number, number, number, number],
      strides,
      1,
      pad,
    );
    const s = triple([info.strideDepth, info.strideHeight, info.strideWidth]);
    return withKernelCalls(tf, args.backend, (k) => conv3dFilterGrad(k, x, dy, filterShape, s, info.padInfo)) as never;
  });
}

function conv3dFilterGrad(k: KernelCalls, x0: TensorInfo, dy: TensorInfo, filterShape: number[], [sd, sh, sw]: Triple, p: Pads3D): TensorInfo {
  const { x, ...hw } = cropNegativePads(k, x0, p);
  const pads = { ...hw, front: p.front };
  const [B, D, H, W, Ci] = x.shape;
  const [, Do, Ho, Wo, Co] = dy.shape;
  const [kd, kh, kw] = filterShape;
  const N = B * Do;
  const dyt = k.transpose(k.reshape(dy, [N, Ho, Wo, Co]), [1, 2, 0, 3]); // [Ho,Wo,N,Co]
  const out = k.alloc([kd, Ci, kh, kw, Co]);
  // x as [Ci, H, W, B, D] once: for depth stride 1, tap t's input is then, for every
  // (ci, y, x, b), the run of depth slices shifted by t (a strided copy instead of a transpose per tap).
  const xT = sd === 1 ? k.transpose(x, [4, 2, 3, 0, 1]) : null;
  const sliceSize = H * W * Ci;
  for (let t = 0; t < kd; t++) {
    k.scope((kt) => {
      let xt: TensorInfo; // [Ci,H,W,N]: the x slices paired with dy's (b, od) slices for tap t
      if (xT) {
        xt = kt.alloc([Ci, H, W, N]);
        const dst = kt.f32(xt);
        // od ranges over [od0, od1) where 0 ≤ od + t − front < D; zeros elsewhere.
        const od0 = Math.max(0, pads.front - t);
        const od1 = Math.min(Do, D + pads.front - t);
        if (od0 > 0 || od1 < Do) dst.fill(0);
        const rows = Ci * H * W * B;
        if (od1 > od0) copyBox(kt.f32(xT), [rows, D], [0, od0 + t - pads.front], dst, [rows, Do], [0, od0], [rows, od1 - od0]);
      } else {
        const xs = kt.alloc([N, H, W, Ci]);
        const xv = kt.f32(x);
        const sv = kt.f32(xs);
        for (let b = 0; b < B; b++) {
          for (let od = 0; od < Do; od++) {
            const d = od * sd + t - pads.front;
            const dst = (b * Do + od) * sliceSize;
            if (d < 0 || d >= D) sv.fill(0, dst, dst + sliceSize);
            else sv.set(xv.subarray((b * D + d) * sliceSize, (b * D + d + 1) * sliceSize), dst);
          }
        }
        xt = kt.transpose(xs, [3, 1, 2, 0]);
      }
      const r = kt.conv2d(xt, dyt, [1, 1], [pads.top, pads.bottom, pads.left, pads.right], [sh, sw]); // [Ci,kh',kw',Co]
      copyBox(kt.f32(r), r.shape, [0, 0, 0, 0], kt.f32(out), [kd * Ci, kh, kw, Co], [t * Ci, 0, 0, 0], [Ci, kh, kw, Co]);
    });
  }
  return k.transpose(out, [0, 2, 3, 1, 4], true); // [kd,kh,kw,Ci,Co]
}
