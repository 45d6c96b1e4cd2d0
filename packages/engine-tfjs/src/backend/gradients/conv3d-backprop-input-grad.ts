import type { Tf } from '@biaflow/core';

/**
 * tfjs 4.22 has no gradient for Conv3DBackpropInputV2, the forward pass of conv3dTranspose, so
 * a 3D U-Net's upsampling cannot train on any backend. Same formulas as tfjs's own
 * Conv2DBackpropInput gradient: with y = convTranspose(dy, W), ∂/∂dy is a convolution of the
 * upstream gradient with W, and ∂/∂W is the filter gradient of that convolution.
 */
export function registerConv3DBackpropInputGrad(tf: Tf): void {
  if (tf.getGradient('Conv3DBackpropInputV2')) return;
  tf.registerGradient({
    kernelName: 'Conv3DBackpropInputV2',
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, saved, attrs) => {
      const [dy, filter] = saved as [import('@tensorflow/tfjs').Tensor5D, import('@tensorflow/tfjs').Tensor5D];
      const { strides, pad } = attrs as unknown as { strides: [number, number, number]; pad: 'valid' | 'same' };
      const g = ddx as import('@tensorflow/tfjs').Tensor5D;
      return {
        dy: () => tf.conv3d(g, filter, strides, pad),
        filter: () => tf.engine().runKernel('Conv3DBackpropFilterV2', { x: g, dy }, { strides, pad, filterShape: filter.shape } as never) as never,
      };
    },
  });
}
