import { z } from '@biaflow/core';

/** The key this workflow adds to core's `metrics:` section (documented at `metrics.top_k`). */
export const classificationMetricsKeys = {
  top_k: z
    .number()
    .int()
    .positive()
    .default(5)
    .describe(
      'Classification: top_k_accuracy in metrics.json is the fraction of images whose true class is among the k highest scores (ties: lower class index first); null with k or fewer classes.',
    ),
};

/** `metrics.top_k` of a resolved config. */
export function topK(config: { metrics: Record<string, unknown> }): number {
  return (config.metrics.top_k as number | undefined) ?? 5;
}
