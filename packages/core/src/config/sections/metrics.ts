import { z } from 'zod';
import { section } from '../schema-helpers';

export const metricsSection = section(
  {
    matching_thresholds: z
      .array(z.number().gt(0).lte(1))
      .min(1)
      .default([0.3, 0.5, 0.75])
      .describe('IoU thresholds at which instances are matched (StarDist definition).'),
    detection_tolerance: z
      .number()
      .positive()
      .default(10)
      .describe('Detection: a predicted point matches a true one when their distance is at most this many pixels (scaled by spacing).'),
  },
  'How predictions are scored when ground truth exists.',
);
