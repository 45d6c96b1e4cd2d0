// @biaflow/image: n-d image functions on `{ data, shape }` typed arrays (C order), in the flat
// functional style of scikit-image. No Node, tfjs or file-system import anywhere in this package,
// so it bundles for a browser; bad arguments throw `ImageError`.

// Types and errors.
export type { TypedArray, DType, NdArray, Image, PointList } from './types';
export { ImageError, isImageError } from './image-error';
export type { IntegerArray } from './checks';
export { isTypedArray, isIntegerArray } from './checks';
export type { Points } from './points';

// Array helpers.
export { sizeOf, stridesOf, allocateLike, toFloat32, reflectIndex, splitSpatial, extractBox } from './ndarray';

// Image functions.
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
  detectionMatchingPairs,
  detectionMatchingDataset,
  type DetectionMatchingOptions,
  type DetectionResult,
} from './metrics/detection-matching';
export { classificationMetrics, type ClassificationOptions, type ClassificationResult } from './metrics/classification-metrics';
export {
  detectionAp,
  type DetectionApImage,
  type DetectionApOptions,
  type DetectionApResult,
  type ClassAp,
} from './metrics/detection-ap';
export {
  instanceAp,
  instanceApDataset,
  AP_50_95_THRESHOLDS,
  type InstanceApOptions,
  type InstanceApResult,
} from './metrics/instance-ap';
export { aji, ajiDataset, type AjiResult } from './metrics/aji';
export { topKAccuracy } from './metrics/top-k-accuracy';

// Test-time augmentation.
export { ttaTransforms, averageTta, type TtaTransform } from './tta';
