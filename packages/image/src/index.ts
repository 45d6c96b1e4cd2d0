// @biaflow/image: n-d image functions on `{ data, shape }` typed arrays (C order), in the flat
// functional style of scikit-image. No Node, tfjs or file-system import anywhere in this package,
// so it bundles for a browser; bad arguments throw `ImageError`.

// Types and errors.
export type { TypedArray, DType, NdArray, Image, ImageHeader, ImageToWrite, PointList } from './types';
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
export { flattenMetrics, type MetricsCell } from './metrics/flatten-metrics';

// Test-time augmentation.
export { ttaTransforms, averageTta, type TtaTransform } from './tta';

// Layout: axes, sample types, channels-last model layout, spatial padding.
export { AXIS_LETTERS, defaultAxes, validateAxes } from './layout/axes';
export { DTYPES, bytesPerElement, allocate as allocateTypedArray, view as viewTypedArray, bytesOf, dtypeOf, isFloat, isSigned, product } from './layout/dtype';
export { transpose } from './layout/transpose';
export { toModelLayout, fromModelLayout } from './layout/model-layout';
export { padSpatialEnd, cropSpatial } from './layout/spatial-pad';

// The data pipeline training and prediction share: normalization, tiles, patches, augmentation, randomness.
export { percentiles } from './normalize/percentile';
export { countNonFinite, describeNonFinite, screenNonFiniteSamples, type NonFiniteCount, type NonFiniteReplacement, type NonFiniteScreening } from './non-finite';
export {
  NORMALIZATION_METHODS,
  NORMALIZATION_SCOPES,
  DEFAULT_NORMALIZATION,
  dtypeMaximum,
  divisorFor,
  measureStats,
  applyStats,
  NormalizationFitter,
  ImageNormalizer,
  type NormalizationMethod,
  type NormalizationScope,
  type NormalizationOptions,
  type ChannelStats,
  type NormalizationRecord,
} from './normalize/normalization';
export { recordFromBundle } from './normalize/record-from-settings';
export { planAxis, planTiles, predictTiled, type TileOptions, type PredictBatch, type AxisPlan } from './tiling/tiling';
export { predictImage, type PredictImageOptions } from './tiling/predict-image';
export { randomPatchOrigin, patchOriginAround, foregroundIndices, samplePatchOrigin } from './sampling/patches';
export type { RandomGenerator, RandomSource } from './random/random-source';
export { deriveSeed, SeededRandom } from './random/seeded-random';
export { Rng, coreRandom } from './random/core-random';
export { FLIP_AXES, type AugmentSettings, type FlipAxis, type Range } from './augment/augment-settings';
export { augmentSample, type AugmentableSample } from './augment/augment-sample';
export { flip, rot90, coordinateMap, planeAffine, elasticDisplacement, warpLinear, warpNearest, type CoordinateMap, type WarpParams } from './augment/geometric';
export { adjustGamma, adjustBrightness, adjustContrast, blur, gaussianNoise, poissonNoise, randomBoxes, fillBoxes, type Box } from './augment/intensity';
export { gaussianKernel, gaussianBlurYX } from './augment/gaussian';

// Point annotations as coordinates: the rounding rule, and the geometric transforms applied to points.
export { pointPixel, pointInside, pointRange } from './point-geometry/point-pixel';
export { pointMask, pointsFromMask } from './point-geometry/point-mask';
export { flipPoints, rot90Points, dropPointsInBoxes } from './point-geometry/exact-point-transforms';
export { warpPoints } from './point-geometry/warp-points';
export { cropPoints } from './point-geometry/crop-points';
export { mirrorCopies } from './point-geometry/mirror-copies';
export type { TracedPoints } from './point-geometry/traced-points';
export { LabelValues, resolveLabelMapping, binaryMaskMapping, applyLabelMapping, applyPointClassMapping, mappingToJson, type LabelMapping } from './label-mapping';

// Text tables (CSV) as biaflow writes them: spreadsheet-safe cells.
export { csvCell, csvCellText } from './csv/csv-cell';
export { splitCsvLine } from './csv/csv-line';
export { toCsv } from './csv/to-csv';

// Limits.
export { DEFAULT_MAX_MEGAVOXELS, formatMegavoxels } from './limits';

// Text from files, for messages: control characters escaped, excerpts cut.
export { printable, printableText, excerpt, clip } from './text/printable';
