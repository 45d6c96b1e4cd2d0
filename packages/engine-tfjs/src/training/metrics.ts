import type { Tensor } from '@tensorflow/tfjs';
import type { Tf } from '@biaflow/core';
import type { HeadActivation } from '@biaflow/core';
import type { ValidationMetric } from '@biaflow/core';

/** Boolean foreground of targets and predictions: threshold 0.5 per channel (sigmoid), or any class but channel 0 (softmax). */
function foreground(tf: Tf, t: Tensor, head: HeadActivation): Tensor {
  if (head === 'softmax') return tf.notEqual(tf.argMax(t, -1), 0);
  return tf.greater(t, 0.5);
}

/** Foreground IoU: |pred ∩ true| / |pred ∪ true| over every pixel (and channel, for sigmoid heads). */
export function iouMetric(head: HeadActivation): ValidationMetric {
  return {
    name: 'iou',
    sums(tf, yTrue, yPred) {
      const t = foreground(tf, yTrue, head);
      const p = foreground(tf, yPred, head);
      return [tf.sum(tf.cast(tf.logicalAnd(t, p), 'float32')), tf.sum(tf.cast(tf.logicalOr(t, p), 'float32'))];
    },
    value: ([inter, union]) => (union > 0 ? inter / union : null),
  };
}

/** Classification accuracy: argmax of prediction equals argmax of the one-hot target. */
export function accuracyMetric(): ValidationMetric {
  return {
    name: 'accuracy',
    sums(tf, yTrue, yPred) {
      return [tf.sum(tf.cast(tf.equal(tf.argMax(yTrue, -1), tf.argMax(yPred, -1)), 'float32')), tf.scalar(yTrue.shape[0] as number)];
    },
    value: ([hits, n]) => (n > 0 ? hits / n : null),
  };
}

/** What to report by default: accuracy for classifiers, IoU for probability maps, nothing for regression heads. */
export function defaultMetrics(head: HeadActivation, classifier: boolean): ValidationMetric[] {
  if (classifier) return [accuracyMetric()];
  return head === 'linear' ? [] : [iouMetric(head)];
}
