import type { KernelCalls, TensorInfo } from './call-kernel';
import { copyBox } from './copy-box';

/**
 * Channels-last [B, ...spatial, C] → [B, ...spatial·stride, C] with each value at a multiple of the
 * stride and zeros between (and stride − 1 zeros after the last). A strided convolution's input
 * gradient is a stride-1 convolution of this.
 */
export function insertZeros(k: KernelCalls, x: TensorInfo, stride: readonly number[]): TensorInfo {
  const [B, ...rest] = x.shape;
  const C = rest.pop() as number;
  const spatial = rest;
  const outShape = [B, ...spatial.map((s, i) => s * stride[i]), C];
  const out = k.alloc(outShape);
  // View both as [B, s0, 1|stride0, s1, 1|stride1, ..., C] and copy the whole source box.
  const srcShape = [B, ...spatial.flatMap((s) => [s, 1]), C];
  const dstShape = [B, ...spatial.flatMap((s, i) => [s, stride[i]]), C];
  const dst = k.f32(out);
  dst.fill(0);
  const zeros = new Array<number>(srcShape.length).fill(0);
  copyBox(k.f32(x), srcShape, zeros, dst, dstShape, zeros, srcShape);
  return out;
}
