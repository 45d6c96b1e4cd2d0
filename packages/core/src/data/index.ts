// Datasets, normalization, tiled prediction, patch sampling and augmentation (issue 8).
export { Rng, deriveSeed } from './random';
export { reflectIndex, extractBox, sizeOf, stridesOf, toFloat32 } from './ndarray';
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
