import type { Tf } from '@biaflow/core';
import { withKernelCalls, type KernelCalls, type TensorInfo } from './call-kernel';
import { replaceKernel } from './replace-kernel';

export type Pad3D = 'valid' | 'same' | number;
export type Triple = [number, number, number];

export interface Pads3D {
  front: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * tfjs's 'same' padding in 3D can be negative (it lacks the max(0, ·) of 2D) when the stride
 * exceeds the filter: the window then starts inside the volume. XNNPACK takes no negative
 * padding, so crop those rows and columns off x instead.
 */
export function cropNegativePads(
  k: KernelCalls,
  x: TensorInfo,
  pads: Pick<Pads3D, 'top' | 'bottom' | 'left' | 'right'>,
): { x: TensorInfo; top: number; bottom: number; left: number; right: number } {
  const { top, bottom, left, right } = pads;
  if (top >= 0 && bottom >= 0 && left >= 0 && right >= 0) return { x, top, bottom, left, right };
  const [B, D, H, W, C] = x.shape;
  const y0 = Math.max(0, -top);
  const x0 = Math.max(0, -left);
  const h = H - y0 - Math.max(0, -bottom);
  const w = W - x0 - Math.max(0, -right);
  const c = k.call('Slice', { x }, { begin: [0, 0, y0, x0, 0], size: [B, D, h, w, C] });
  return { x: c, top: Math.max(0, top), bottom: Math.max(0, bottom), left: Math.max(0, left), right: Math.max(0, right) };
}

export function triple(v: number | number[]): Triple {
  return typeof v === 'number' ? [v, v, v] : [v[0], v[1], v[2]];
}

/**
 * Conv3D through XNNPACK. wasm's own Conv3D is a plain loop: 2.4 s for one 3×3×3 convolution of
 * a [2,32,64,64,8] volume. See conv3dViaConv2d.
 */
export function installConv3D(tf: Tf): void {
  replaceKernel(tf, 'Conv3D', (original) => (args) => {
    const { x, filter } = args.inputs as unknown as { x: TensorInfo; filter: TensorInfo };
    const { strides, pad, dilations, dataFormat } = args.attrs as unknown as {
      strides: number | Triple;
      pad: Pad3D;
      dilations?: number | Triple;
      dataFormat?: string;
    };
    if (dataFormat && dataFormat !== 'NDHWC') return original(args);
    if (triple(dilations ?? 1).some((d) => d !== 1)) return original(args);
    const info = tf.backend_util.computeConv3DInfo(
      x.shape as [number, number, number, number, number],
      filter.shape as [number, number, number, number, number],
      strides,
      1,
      pad,
    );
    return withKernelCalls(tf, args.backend, (k) =>
      conv3dViaConv2d(k, x, filter, [info.strideDepth, info.strideHeight, info.strideWidth], info.padInfo, info.outDepth, true),
    ) as never;
  });
}

/**
 * A 3D convolution as one 2D convolution over all depth slices plus a sum over depth taps:
 * out[b,od] = Σ_t conv2d(x[b, od·sd + t − front], W[t]). The kd filter taps are stacked along the
 * output channels ([kh,kw,Ci,kd·Co]), so XNNPACK runs a single convolution of the [B·D,H,W,Ci]
 * slices, and a JS pass adds each output slice's kd contributions. Depth slices outside the
 * volume contribute nothing, which is zero padding in depth.
 */
export function conv3dViaConv2d(
  k: KernelCalls,
  x: TensorInfo,
  filter: TensorInfo,
  [sd, sh, sw]: Triple,
  pads: Pads3D,
  outDepth: number,
  keep = false,
): TensorInfo {
  const { front } = pads;
  const cropped = cropNegativePads(k, x, pads);
  x = cropped.x;
  const { top, bottom, left, right } = cropped;
  const [B, D, H, W, Ci] = x.shape;
  const [kd, kh, kw, , Co] = filter.shape;
  const stacked = k.reshape(k.transpose(filter, [1, 2, 3, 0, 4]), [kh, kw, Ci, kd * Co]);
  const y = k.conv2d(k.reshape(x, [B * D, H, W, Ci]), stacked, [sh, sw], [top, bottom, left, right]);
  const [, Ho, Wo] = y.shape;
  const out = k.alloc([B, outDepth, Ho, Wo, Co], keep);
  sumDepthTaps(k.f32(y), k.f32(out), { B, D, outDepth, pixels: Ho * Wo, kd, Co, sd, front });
  return out;
}

/**
 * out[b, od, p, c] = Σ_t y[b·D + od·sd + t − front, p, t·Co + c] over the taps t whose slice lies
 * inside the volume. All taps of an element are added in one pass (twice as fast as a pass per tap).
 */
function sumDepthTaps(
  y: Float32Array,
  out: Float32Array,
  g: { B: number; D: number; outDepth: number; pixels: number; kd: number; Co: number; sd: number; front: number },
): void {
  const { B, D, outDepth, pixels, kd, Co, sd, front } = g;
  const kdCo = kd * Co;
  const ySlice = pixels * kdCo;
  const oSlice = pixels * Co;
  const bases: number[] = [];
  for (let b = 0; b < B; b++) {
    for (let od = 0; od < outDepth; od++) {
      const o0 = (b * outDepth + od) * oSlice;
      bases.length = 0;
      for (let t = 0; t < kd; t++) {
        const d = od * sd + t - front;
        if (d >= 0 && d < D) bases.push((b * D + d) * ySlice + t * Co);
      }
      let oi = o0;
      if (bases.length === 0) {
        out.fill(0, o0, o0 + oSlice);
      } else if (bases.length === 1) {
        const a0 = bases[0];
        for (let off = 0; off < ySlice; off += kdCo) for (let c = 0; c < Co; c++) out[oi++] = y[a0 + off + c];
      } else if (bases.length === 2) {
        const [a0, a1] = bases;
        for (let off = 0; off < ySlice; off += kdCo) for (let c = 0; c < Co; c++) out[oi++] = y[a0 + off + c] + y[a1 + off + c];
      } else if (bases.length === 3) {
        const [a0, a1, a2] = bases;
        for (let off = 0; off < ySlice; off += kdCo) {
          for (let c = 0; c < Co; c++) out[oi++] = y[a0 + off + c] + y[a1 + off + c] + y[a2 + off + c];
        }
      } else {
        for (let off = 0; off < ySlice; off += kdCo) {
          for (let c = 0; c < Co; c++) {
            let s = 0;
            for (let i = 0; i < bases.length; i++) s += y[bases[i] + off + c];
            out[oi++] = s;
          }
        }
      }
    }
  }
}
