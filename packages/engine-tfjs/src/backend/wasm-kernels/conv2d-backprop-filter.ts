import type { Tf } from '@biaflow/core';
import { withKernelCalls, type KernelCalls, type TensorInfo } from './call-kernel';
import { provideKernel } from './replace-kernel';

type Pad = 'valid' | 'same' | number | number[][];
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

/** Conv2DBackpropFilter, which tfjs-backend-wasm lacks. See conv2dFilterGrad. */
export function installConv2DBackpropFilter(tf: Tf): void {
  provideKernel(tf, 'Conv2DBackpropFilter', (args) => {
    const { x, dy } = args.inputs as unknown as { x: TensorInfo; dy: TensorInfo };
    const { strides, pad, dimRoundingMode, filterShape, dataFormat } = args.attrs as unknown as {
      strides: number | [number, number];
      pad: Pad;
      dimRoundingMode?: Rounding;
      filterShape: [number, number, number, number];
      dataFormat?: string;
    };
    if (dataFormat && dataFormat !== 'NHWC') throw new Error('biaflow wasm Conv2DBackpropFilter supports NHWC only');
    const conv = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      1,
      pad as never,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    return withKernelCalls(tf, args.backend, (k) => conv2dFilterGrad(k, x, dy, filterShape, conv)) as never;
  });
}

interface ConvGeometry {
  strideHeight: number;
  strideWidth: number;
  outHeight: number;
  outWidth: number;
  padInfo: { top: number; bottom: number; left: number; right: number };
}

/**
 * dW[kh,kw,ci,co] = Σ_b,y,x x_pad[b, y·s+kh, x·s+kw, ci] · dy[b,y,x,co], through XNNPACK:
 * - stride = kernel, no padding (the 2×2 stride-2 transposed convolution): the windows tile x,
 *   so it is x rearranged to [kh·kw·Ci, B·Ho·Wo] times dy as [B·Ho·Wo, Co];
 * - otherwise a convolution of x (as [Ci,H,W,B]) with dy (as the filter [Ho,Wo,B,Co]) at
 *   dilation = stride, whose first kh×kw outputs are dW as [Ci,kh,kw,Co].
 */
export function conv2dFilterGrad(
  k: KernelCalls,
  x: TensorInfo,
  dy: TensorInfo,
  filterShape: readonly number[],
  conv: ConvGeometry,
): TensorInfo {
  const [B, H, W, Ci] = x.shape;
  const [kh, kw, , Co] = filterShape;
  const { strideHeight: sh, strideWidth: sw, outHeight: Ho, outWidth: Wo, padInfo } = conv;
  const { top, bottom, left, right } = padInfo;
  if (sh === kh && sw === kw && top === 0 && left === 0 && H === Ho * sh && W === Wo * sw) {
    const blocks = k.reshape(x, [B, Ho, kh, Wo, kw, Ci]);
    const cols = k.transpose(blocks, [2, 4, 5, 0, 1, 3]); // [kh,kw,Ci,B,Ho,Wo]
    const dW = k.matMul(k.reshape(cols, [kh * kw * Ci, B * Ho * Wo]), k.reshape(dy, [B * Ho * Wo, Co]));
    return k.reshape(dW, [...filterShape], true);
  }
  const xt = k.transpose(x, [3, 1, 2, 0]); // [Ci,H,W,B]
  const dyt = k.transpose(dy, [1, 2, 0, 3]); // [Ho,Wo,B,Co]
  const r = k.conv2d(xt, dyt, [1, 1], [top, bottom, left, right], [sh, sw]); // [Ci, kh', kw', Co], kh' >= kh
  const s = r.shape[1] === kh && r.shape[2] === kw ? r : k.call('Slice', { x: r }, { begin: [0, 0, 0, 0], size: [Ci, kh, kw, Co] });
  return k.transpose(s, [1, 2, 0, 3], true); // [kh,kw,Ci,Co]
}
