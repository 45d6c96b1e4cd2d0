import type { CustomLoss } from '@biaflow/core';

/**
 * Noise2Void's loss: the mean squared error over the masked pixels only. The target's channels are
 * the values, then one mask channel per value channel (`blindSpot`).
 */
export const maskedMse: CustomLoss = {
  name: 'masked_mse',
  make: (tf) => (yTrue, yPred) =>
    tf.tidy(() => {
      const c = yPred.shape[yPred.rank - 1] as number;
      const [values, masks] = tf.split(yTrue, [c, c], -1);
      const squared = tf.mul(tf.square(tf.sub(values, yPred)), masks);
      return tf.div(tf.sum(squared), tf.maximum(tf.sum(masks), 1));
    }) as ReturnType<ReturnType<CustomLoss['make']>>,
};
