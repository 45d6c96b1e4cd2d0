// Datasets, normalization, tiled prediction, patch sampling and augmentation (issue 8).
export { Rng, deriveSeed } from './random';
export { reflectIndex, extractBox, sizeOf, stridesOf, toFloat32 } from './ndarray';
export { percentiles } from './percentile';
export * from './normalization';
export { predictTiled, planTiles, planAxis, type TileOptions, type PredictBatch, type AxisPlan } from './tiling';
