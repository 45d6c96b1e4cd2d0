import type { Kernel } from '@biaflow/core';
import { registerClearBorder } from './clear-border-step';
import { registerFillHoles } from './fill-holes-step';
import { registerLabel } from './label-step';
import { registerMedianFilter } from './median-filter-step';
import { registerPeakLocalMax } from './peak-local-max-step';
import { registerRemoveSmallObjects } from './remove-small-objects-step';
import { registerSuppressClosePoints } from './suppress-close-points-step';
import { registerThreshold } from './threshold-step';
import { registerVoronoi } from './voronoi-step';

/** Every post-processing step this plugin offers, as `postprocess:` methods. */
export function registerSteps(kernel: Kernel): void {
  registerThreshold(kernel);
  registerMedianFilter(kernel);
  registerRemoveSmallObjects(kernel);
  registerFillHoles(kernel);
  registerLabel(kernel);
  registerVoronoi(kernel);
  registerClearBorder(kernel);
  registerPeakLocalMax(kernel);
  registerSuppressClosePoints(kernel);
}
