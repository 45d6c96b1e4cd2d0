import type { Tf } from '@biaflow/core';
import { withKernelCalls, type KernelCalls, type TensorInfo } from './call-kernel';
import { insertZeros } from './insert-zeros';
import { replaceKernel } from './replace-kernel';

type Pad = 'valid' | 'same' | number | number[][];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/**
 * Conv2DBackpropInput: the input gradient of a convolution, and the forward pass of a transposed
 * convolution. wasm's own kernel is a plain loop, ~10× slower than XNNPACK. Three cases:
 * - stride 1: a convolution of dy with the filter flipped spatially and its channels swapped,
 *   padded by k − 1 − pad;
 * - stride = kernel size, no padding (the U-Net's 2×2 stride-2 upsampling): every output pixel
 *   gets exactly one input pixel, so it is one matmul [B·H·W, Co] × [Co, kh·kw·Ci] followed by a
 *   depth-to-space transpose;
 * - other strides: dy with stride − 1 zeros inserted between pixels, then the stride-1 case.
 */
export function installConv2DBackpropInput(tf: Tf): void {
  replaceKernel(tf, 'Conv2DBackpropInput', (original) => (args) => {
    const { dy, filter } = args.inputs as unknown as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dimRoundingMode, inputShape, dataFormat } = args.attrs as unknown as {
      strides: number | [number, number];
      pad: Pad;
      dimRoundingMode?: Rounding;
      inputShape: [number, number, number, number];
      dataFormat?: string;
    };
    if (dataFormat && dataFormat !== 'NHWC') return original(args);
    const conv = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      strides,
      1,
      pad as never,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const result = withKernelCalls(tf, args.backend, (k) => conv2dInputGrad(k, dy, filter, inputShape, conv));
    return (result ?? original(args)) as never;
  });
}

interface ConvGeometry {
  strideHeight: number;
  strideWidth: number;
  filterHeight: number;
  filterWidth: number;
  outHeight: number;
  outWidth: number;
  padInfo: { top: number; bottom: number; left: number; right: number };
}

/** dx of a 2D convolution through XNNPACK, or null when the case is not covered. */
export function conv2dInputGrad(
  k: KernelCalls,
  dy: TensorInfo,
  filter: TensorInfo,
  inputShape: readonly number[],
  conv: ConvGeometry,
): TensorInfo | null {
  const [, H, W] = inputShape;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw, padInfo } = conv;
  const { top, left } = padInfo;
  if (sh === kh && sw === kw && top === 0 && left === 0 && H === conv.outHeight * sh && W === conv.outWidth * sw) {
    return pixelShuffleInputGrad(k, dy, filter, inputShape);
  }
  let d = dy;
  if (sh > 1 || sw > 1) d = insertZeros(k, dy, [sh, sw]);
  // Padding of the stride-1 convolution that produces exactly H×W outputs.
  const [dh, dw] = [d.shape[1], d.shape[2]];
  const pt = kh - 1 - top;
  const pl = kw - 1 - left;
  let pb = H + kh - 1 - pt - dh;
  let pr = W + kw - 1 - pl - dw;
  if (pt < 0 || pl < 0) return null;
  if (pb < 0 || pr < 0) {
    const keepH = dh + Math.min(pb, 0);
    const keepW = dw + Math.min(pr, 0);
    d = k.call('Slice', { x: d }, { begin: [0, 0, 0, 0], size: [d.shape[0], keepH, keepW, d.shape[3]] });
    pb = Math.max(pb, 0);
    pr = Math.max(pr, 0);
  }
  const flipped = k.call('Reverse', { x: filter }, { dims: [0, 1] });
  const swapped = k.transpose(flipped, [0, 1, 3, 2]); // [kh,kw,Co,Ci]
  return k.conv2d(d, swapped, [1, 1], [pt, pb, pl, pr], [1, 1], true);
}

/** Stride = kernel, no padding: one matmul, then each pixel's kh·kw·Ci values spread over its block. */
function pixelShuffleInputGrad(k: KernelCalls, dy: TensorInfo, filter: TensorInfo, inputShape: readonly number[]): TensorInfo {
  const [B, Ho, Wo, Co] = dy.shape;
  const [kh, kw, Ci] = filter.shape;
  const wm = k.reshape(k.transpose(filter, [3, 0, 1, 2]), [Co, kh * kw * Ci]); // [Co, (i,j,ci)]
  const y = k.matMul(k.reshape(dy, [B * Ho * Wo, Co]), wm); // [B·Ho·Wo, (i,j,ci)]
  const blocks = k.reshape(y, [B, Ho, Wo, kh, kw, Ci]);
  const shuffled = k.transpose(blocks, [0, 1, 3, 2, 4, 5]); // [B,Ho,kh,Wo,kw,Ci]
  return k.reshape(shuffled, [...inputShape], true);
}
