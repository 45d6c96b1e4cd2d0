import { z } from '@biaflow/core';

/** The key this workflow adds to core's `metrics:` section (documented at `metrics.detection_tolerance`). */
export const detectionMetricsKeys = {
  detection_tolerance: z
    .number()
    .positive()
    .default(10)
    .describe('Detection: a predicted point matches a true one when their distance is at most this many pixels (scaled by spacing).'),
};

/** `metrics.detection_tolerance` of a resolved config. */
export function detectionTolerance(config: { metrics: Record<string, unknown> }): number {
  return (config.metrics.detection_tolerance as number | undefined) ?? 10;
}
