import { z, type Kernel } from '@biaflow/core';
import { suppressClosePoints } from '@biaflow/image';
import { spatialSpacing } from './prediction-parts';

export function registerSuppressClosePoints(kernel: Kernel): void {
  kernel.registerPostprocess({
    name: 'suppress_close_points',
    takes: ['points'],
    gives: ['points'],
    description: 'Of two detected points within `radius` of each other (physical units, using the voxel size), keep the one with the higher score (the earlier one without scores).',
    problems: ['detection'],
    options: z.strictObject({
      radius: z.number().min(0).default(3).describe('Points at most this far apart are too close (physical units).'),
      use_scores: z.boolean().default(true).describe('Keep the higher-scoring point of a close pair; when false, the earlier one.'),
    }),
    run(prediction, options) {
      const points = prediction.points;
      if (!points) return prediction;
      const count = points.coordinates.length / points.ndim;
      // Equal scores fall back to input order, which is what "without scores" means.
      const scores = options.use_scores ? undefined : new Float32Array(count);
      const kept = suppressClosePoints(points, { radius: options.radius, spacing: spatialSpacing(prediction, points.ndim), scores });
      return { ...prediction, points: kept };
    },
  });
}
