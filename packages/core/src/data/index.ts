// Datasets, normalization, tiled prediction, patch sampling and augmentation (issue 8).
// Side effect: the engine's predict() learns this pipeline's normalization methods.

// numpy-`reflect` index in both directions (the engine's `reflectIndex` handles the far end only).
export { reflectIndex as numpyReflectIndex, extractBox } from '@biaflow/image';
export { percentiles } from '@biaflow/image';
export { NORMALIZATION_METHODS, NORMALIZATION_SCOPES, DEFAULT_NORMALIZATION, dtypeMaximum, divisorFor, measureStats, applyStats, NormalizationFitter, ImageNormalizer, type NormalizationMethod, type NormalizationScope, type NormalizationOptions, type ChannelStats, type NormalizationRecord } from '@biaflow/image';
export { predictTiled, planTiles, planAxis, type TileOptions, type PredictBatch, type AxisPlan } from '@biaflow/image';
export { augmentSample, type AugmentableSample } from '@biaflow/image';
export { flip, rot90, coordinateMap, elasticDisplacement, warpLinear, warpNearest, type CoordinateMap, type WarpParams } from '@biaflow/image';
export { adjustGamma, adjustBrightness, adjustContrast, blur, gaussianNoise, poissonNoise, randomBoxes, fillBoxes, type Box } from '@biaflow/image';
export { gaussianKernel, gaussianBlurYX } from '@biaflow/image';
export { augmentSection, type AugmentSettings } from '../kernel/config/sections/augment';
export { predictSection } from '../kernel/config/sections/predict';
export { dataSection, type DataSettings, type NonFinitePolicy } from '../kernel/config/sections/data';
export { resolveLabelMapping, applyLabelMapping, binaryMaskMapping, mappingToJson, LabelValues, type LabelMapping } from '@biaflow/image';
export { randomPatchOrigin, patchOriginAround, samplePatchOrigin, foregroundIndices } from '@biaflow/image';
export { RunDataIO } from './data-io';
export { type DataIO } from '../kernel/contributions/data-layout';
export { type DataItem, type DataProblem, type ListedData } from '../kernel/contributions/data-layout';
export { screenNonFinite, screenInputImage, logReplacement } from './non-finite';
export { predictImage, type PredictImageOptions } from '@biaflow/image';
export { Rng, coreRandom } from '@biaflow/image';

