import type { Tf } from '@biaflow/core';
import { withKernelCalls, type KernelCalls, type TensorInfo } from './call-kernel';
import { conv3dViaConv2d, triple, type Pad3D, type Pads3D, type Triple } from './conv3d';
import { insertZeros } from './insert-zeros';
import { replaceKernel } from './replace-kernel';

/**
 * Conv3DBackpropInputV2: the input gradient of a 3D convolution and the forward pass of a 3D
 * transposed convolution, through XNNPACK like its 2D counterpart (see conv2d-backprop-input):
 * stride = kernel without padding is a matmul and a depth-to-space; any other stride inserts
 * zeros into dy and runs the stride-1 case, a 3D convolution with the flipped, channel-swapped
 * filter (conv3dViaConv2d).
 */
export function installConv3DBackpropInput(tf: Tf): void {
  replaceKernel(tf, 'Conv3DBackpropInputV2', (original) => (args) => {
    const { dy, filter } = args.inputs as unknown as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, inputShape } = args.attrs as unknown as { strides: number | Triple; pad: Pad3D; inputShape: number[] };
    const info = tf.backend_util.computeConv3DInfo(
      inputShape as [number, number, number, number, number],
      filter.shape as [number, number, number, number, number],
      strides,
      1,
      pad,
    );
    const result = withKernelCalls(tf, args.backend, (k) =>
      conv3dInputGrad(k, dy, filter, inputShape, triple([info.strideDepth, info.strideHeight, info.strideWidth]), info.padInfo, [
        info.outDepth,
        info.outHeight,
        info.outWidth,
      ]),
    );
    return (result ?? original(args)) as never;
  });
}

function conv3dInputGrad(
  k: KernelCalls,
  dy: TensorInfo,
  filter: TensorInfo,
  inputShape: number[],
  s: Triple,
  pads: Pads3D,
  outSize: Triple,
): TensorInfo | null {
  const [, D, H, W] = inputShape;
  const [kd, kh, kw] = filter.shape;
  const size = [D, H, W];
  const kernel = [kd, kh, kw];
  const noPad = pads.front === 0 && pads.top === 0 && pads.left === 0;
  if (noPad && kernel.every((kk, i) => kk === s[i] && size[i] === outSize[i] * s[i])) {
    return pixelShuffle3d(k, dy, filter, inputShape);
  }
  let d = s.some((v) => v > 1) ? insertZeros(k, dy, s) : dy;
  const front = kd - 1 - pads.front;
  const top = kh - 1 - pads.top;
  const left = kw - 1 - pads.left;
  if (front < 0 || top < 0 || left < 0) return null;
  let bottom = H + kh - 1 - top - d.shape[2];
  let right = W + kw - 1 - left - d.shape[3];
  if (bottom < 0 || right < 0) {
    const size5 = [...d.shape];
    size5[2] += Math.min(bottom, 0);
    size5[3] += Math.min(right, 0);
    d = k.call('Slice', { x: d }, { begin: [0, 0, 0, 0, 0], size: size5 });
    bottom = Math.max(bottom, 0);
    right = Math.max(right, 0);
  }
  const flipped = k.call('Reverse', { x: filter }, { dims: [0, 1, 2] });
  const swapped = k.transpose(flipped, [0, 1, 2, 4, 3]); // [kd,kh,kw,Co,Ci]
  return conv3dViaConv2d(k, d, swapped, [1, 1, 1], { front, top, bottom, left, right }, D, true);
}

/** Stride = kernel, no padding: [B·D·H·W, Co] × [Co, kd·kh·kw·Ci], then spread each pixel over its block. */
function pixelShuffle3d(k: KernelCalls, dy: TensorInfo, filter: TensorInfo, inputShape: number[]): TensorInfo {
  const [B, Do, Ho, Wo, Co] = dy.shape;
  const [kd, kh, kw, Ci] = filter.shape;
  const wm = k.reshape(k.transpose(filter, [4, 0, 1, 2, 3]), [Co, kd * kh * kw * Ci]);
  const y = k.matMul(k.reshape(dy, [B * Do * Ho * Wo, Co]), wm); // [(b,d,h,w), (i,j,l,ci)]
  // [B·Do, Ho, Wo, kd, kh·kw·Ci] → [B·Do, kd, Ho, Wo, kh·kw·Ci]; each step is a ≤4-axis transpose.
  const a = k.transpose(k.reshape(y, [B * Do, Ho * Wo, kd, kh * kw * Ci]), [0, 2, 1, 3]);
  // [B·Do·kd·Ho, Wo, kh, kw·Ci] → [B·Do·kd·Ho, kh, Wo, kw·Ci]
  const b = k.transpose(k.reshape(a, [B * Do * kd * Ho, Wo, kh, kw * Ci]), [0, 2, 1, 3]);
  return k.reshape(b, inputShape, true);
}
