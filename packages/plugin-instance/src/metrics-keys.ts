import { z } from '@biaflow/core';

/** The key this workflow adds to core's `metrics:` section (documented at `metrics.matching_thresholds`). */
export const instanceMetricsKeys = {
  matching_thresholds: z
    .array(z.number().gt(0).lte(1))
    .min(1)
    .default([0.3, 0.5, 0.75])
    .describe('IoU thresholds at which instances are matched (StarDist definition).'),
};

/** `metrics.matching_thresholds` of a resolved config. */
export function matchingThresholds(config: { metrics: Record<string, unknown> }): number[] {
  return (config.metrics.matching_thresholds as number[] | undefined) ?? [0.3, 0.5, 0.75];
}
