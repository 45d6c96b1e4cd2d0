import { definePlugin, type BiaflowPlugin } from '@biaflow/core';
import { registerSteps } from './steps';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require('../package.json') as { name: string; version: string; description: string; peerDependencies: Record<string, string> };

// Image functions: `{ data, shape }` in, image or plain object out.
export { otsuThreshold, type OtsuOptions } from './otsu-threshold';
export { medianFilter, MEDIAN_MODES, type MedianFilterOptions, type MedianMode } from './median-filter';
export { label, type LabelOptions } from './label';
export { distanceTransform, type DistanceTransformOptions } from './distance-transform';
export { watershed, type WatershedOptions } from './watershed';
export { voronoi, type VoronoiOptions } from './voronoi';
export { peakLocalMax, type PeakLocalMaxOptions } from './peak-local-max';
export { suppressClosePoints, type SuppressClosePointsOptions } from './suppress-close-points';
export { removeSmallObjects, type RemoveSmallObjectsOptions } from './remove-small-objects';
export { fillHoles } from './fill-holes';
export { fillLabelHoles } from './fill-label-holes';
export { clearBorder, type ClearBorderOptions } from './clear-border';
export { findBoundaries, BOUNDARY_MODES, type FindBoundariesOptions, type BoundaryMode } from './find-boundaries';
export { regionProps, type RegionProps } from './region-props';
export type { Points } from './points';
export type { IntegerArray } from './image';

// Metrics.
export { iou, IouAccumulator, type IouOptions, type ClassIou } from './metrics/semantic-iou';
export {
  matchingStats,
  MATCHING_CRITERIA,
  type MatchingOptions,
  type MatchingResult,
  type MatchingStats,
  type MatchingCriterion,
} from './metrics/matching-stats';
export { matchingStatsDataset } from './metrics/matching-stats-dataset';
export {
  detectionMatching,
  detectionMatchingDataset,
  type DetectionMatchingOptions,
  type DetectionResult,
} from './metrics/detection-matching';
export { classificationMetrics, type ClassificationOptions, type ClassificationResult } from './metrics/classification-metrics';

/** Post-processing methods and metrics. Each method registers as a named `postprocess:` step. */
export const postprocPlugin = definePlugin(
  (): BiaflowPlugin => ({
    name: pkg.name,
    version: pkg.version,
    core: pkg.peerDependencies['@biaflow/core'],
    description: pkg.description,
    apply(kernel) {
      registerSteps(kernel);
    },
  }),
);

export default postprocPlugin;
