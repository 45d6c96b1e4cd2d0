// Datasets, normalization, tiled prediction, patch sampling and augmentation (issue 8).
// Side effect: the engine's predict() learns this pipeline's normalization methods.
import './bundle-normalizers';

export { recordFromBundle } from './bundle-normalizers';
// numpy-`reflect` index in both directions (the engine's `reflectIndex` handles the far end only).
export { reflectIndex as numpyReflectIndex, extractBox } from '@biaflow/image';
export { percentiles } from './percentile';
export * from './normalization';
export { predictTiled, planTiles, planAxis, type TileOptions, type PredictBatch, type AxisPlan } from './tiling';
export { augmentSample, type AugmentableSample } from './augment/augment-sample';
export { flip, rot90, coordinateMap, elasticDisplacement, warpLinear, warpNearest, type CoordinateMap, type WarpParams } from './augment/geometric';
export { adjustGamma, adjustBrightness, adjustContrast, blur, gaussianNoise, poissonNoise, randomBoxes, fillBoxes, type Box } from './augment/intensity';
export { gaussianKernel, gaussianBlurYX } from './augment/gaussian';
export { augmentSection, FLIP_AXES, type AugmentSettings } from '../config/sections/augment';
export { predictSection, type PredictSettings } from '../config/sections/predict';
export { dataSection, type DataSettings } from '../config/sections/data';
export { resolveLabelMapping, applyLabelMapping, binaryMaskMapping, mappingToJson, LabelValues, type LabelMapping } from './labels';
export { randomPatchOrigin, patchOriginAround, samplePatchOrigin, foregroundIndices } from './patches';
export { coreDataIO, dataIOFrom, type DataIO } from './data-io';
export { pairByStem, stemOf, classFolders, listPairs, listClassFolders, listPointFiles, type DataItem, type DataProblem, type ListedData } from './dataset';
export * from './layouts';
export { splitItems, splitToJson, writeSplit, type DataSplit } from './split';
export { countNonFinite, describeNonFinite, screenNonFinite, screenInputImage, NON_FINITE_POLICIES, type NonFinitePolicy, type NonFiniteCount, type NonFiniteReplacement } from './non-finite';
export { checkData, loadLabel, readExampleImage, DataCheckError, groupByFile, type CheckOptions, type CheckReport, type SetName as CheckSetName } from './check';
export { ExampleStore, type LoadedExample } from './example-store';
export { BatchBuilder, type NamedBatch, type TrainingBatches, type SampleHooks, type BatchBuilderOptions } from './training-data';
export { prepareData, type PrepareDataOptions, type PreparedData, type DataConfig } from './prepare-data';
export { predictImage, tfPredictor, type PredictImageOptions, type PredictingModel } from './predict-image';
export { writeAugmentPreview, type WritePng, type PreviewOptions } from './augment-preview';
export { Rng, coreRandom } from './random';
