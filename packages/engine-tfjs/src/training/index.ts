export { InMemoryTrainingData, cropPatch, type TrainingSample, type InMemoryDataOptions, type SampleTransform } from './in-memory-data';
export { makeLoss, defaultLossFor, type LossSpec } from './losses';
export { iouMetric, accuracyMetric, defaultMetrics } from './metrics';
export { Optimizer, type OptimizerSpec, type OptimizerSlot } from './optimizers';
export { LrSchedule, type LrScheduleSpec, type LrScheduleState } from './lr-schedule';
export { EarlyStopping, type EarlyStoppingState } from './early-stopping';
export { CHECKPOINT_FILES, writeCheckpoint, readTrainingState, recoverCheckpoints, isCompleteCheckpoint, type TrainingState } from './checkpoint';
export { trainModel, modelOptionsFromConfig, type TrainRequest, type TrainOutcome, type TrainingRun } from './trainer';
