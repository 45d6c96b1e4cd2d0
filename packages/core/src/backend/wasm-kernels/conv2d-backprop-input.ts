import type { Tf } from '../../kernel/run-context';
import { KernelCalls, type KernelBackend, type TensorInfo } from './call-kernel';

/**
 * wasm's Conv2DBackpropInput is a plain loop. For stride 1 the input gradient is a convolution
 * of dy with the filter flipped on both spatial axes and its channels swapped, padded by
 * (k − 1 − pad) on each side, which XNNPACK's Conv2D runs many times faster. Other strides keep
 * wasm's own kernel.
 */
export function installConv2DBackpropInput(tf: Tf): void {
  const original = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (!original) return;
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: 'wasm',
    // The original setup must run, or falling back to the original kernel fails.
    setupFunc: original.setupFunc,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args;
      const { dy, filter } = inputs as unknown as { dy: TensorInfo; filter: TensorInfo };
      const { strides, pad, dimRoundingMode, inputShape } = attrs as unknown as {
        strides: number | [number, number];
        pad: 'valid' | 'same' | number;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
        inputShape: [number, number, number, number];
      };
      const conv = tf.backend_util.computeConv2DInfo(
        inputShape,
        filter.shape as [number, number, number, number],
        strides,
        1,
        pad,
        dimRoundingMode,
        false,
        'channelsLast',
      );
      if (conv.strideHeight !== 1 || conv.strideWidth !== 1) return original.kernelFunc(args);
      const { top, bottom, left, right } = conv.padInfo;
      const [kh, kw] = filter.shape;
      const k = new KernelCalls(tf, backend as unknown as KernelBackend);
      try {
        const flipped = k.call('Reverse', { x: filter }, { dims: [0, 1] });
        const swapped = k.call('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }); // [kh,kw,Co,Ci]
        return k.call(
          'Conv2D',
          { x: dy, filter: swapped },
          {
            strides: [1, 1],
            pad: [
              [0, 0],
              [kh - 1 - top, kh - 1 - bottom],
              [kw - 1 - left, kw - 1 - right],
              [0, 0],
            ],
            dataFormat: 'NHWC',
            dilations: [1, 1],
          },
          true,
        ) as never;
      } finally {
        k.dispose();
      }
    },
  });
}
