import { z } from '@biaflow/core';

/** The keys this workflow adds to core's `metrics:` section (documented at `metrics.detection_tolerance`, `metrics.detection_ap_tolerances`). */
export const detectionMetricsKeys = {
  detection_tolerance: z
    .number()
    .positive()
    .default(10)
    .describe('Detection: a predicted point matches a true one when their distance is at most this many pixels (scaled by spacing).'),
  detection_ap_tolerances: z
    .array(z.number().positive())
    .min(1)
    .nullable()
    .default(null)
    .describe(
      'Detection: tolerances (pixels, scaled by spacing) at which the score-ranked average precision is also reported (ap_by_tolerance in metrics.json); null = [detection_tolerance].',
    ),
};

/** `metrics.detection_tolerance` of a resolved config. */
export function detectionTolerance(config: { metrics: Record<string, unknown> }): number {
  return (config.metrics.detection_tolerance as number | undefined) ?? 10;
}

/** `metrics.detection_ap_tolerances` of a resolved config; `[detection_tolerance]` when unset. */
export function detectionApTolerances(config: { metrics: Record<string, unknown> }): number[] {
  return (config.metrics.detection_ap_tolerances as number[] | null | undefined) ?? [detectionTolerance(config)];
}
