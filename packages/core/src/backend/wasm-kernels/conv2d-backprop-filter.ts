import type { Tf } from '../../kernel/run-context';
import { KernelCalls, type KernelBackend, type TensorInfo } from './call-kernel';

/**
 * Conv2DBackpropFilter, which tfjs-backend-wasm lacks, built from wasm's own XNNPACK Conv2D:
 * dW[kh,kw,ci,co] = Σ_b,y,x x_pad[b, y·s+kh, x·s+kw, ci] · dy[b,y,x,co] is a convolution of
 * x (as [Ci,H,W,B]) with dy (as the filter [Ho,Wo,B,Co]) at dilation = stride.
 */
export function installConv2DBackpropFilter(tf: Tf): void {
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo };
      const { strides, pad, dimRoundingMode, filterShape } = attrs as unknown as {
        strides: number | [number, number];
        pad: 'valid' | 'same' | number;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        filterShape: [number, number, number, number];
      };
      const conv = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filterShape,
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      const { top, bottom, left, right } = conv.padInfo;
      const k = new KernelCalls(tf, backend as unknown as KernelBackend);
      try {
        const xt = k.call('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [Ci,H,W,B]
        const dyt = k.call('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [Ho,Wo,B,Co]
        const r = k.call(
          'Conv2D',
          { x: xt, filter: dyt },
          {
            strides: [1, 1],
            pad: [
              [0, 0],
              [top, bottom],
              [left, right],
              [0, 0],
            ],
            dataFormat: 'NHWC',
            dilations: [conv.strideHeight, conv.strideWidth],
          },
        ); // [Ci, kh', kw', Co] with kh' >= kh
        const s = k.call('Slice', { x: r }, { begin: [0, 0, 0, 0], size: [r.shape[0], filterShape[0], filterShape[1], r.shape[3]] });
        return k.call('Transpose', { x: s }, { perm: [1, 2, 0, 3] }, true) as never; // [kh,kw,Ci,Co]
      } finally {
        k.dispose();
      }
    },
  });
}
