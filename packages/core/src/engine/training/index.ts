export type { Batch, TrainingData } from './training-data';
export { InMemoryTrainingData, cropPatch, type TrainingSample, type InMemoryDataOptions, type SampleTransform } from './in-memory-data';
export { makeLoss, defaultLossFor, LOSS_TYPES, type LossSpec, type LossType, type LossFn } from './losses';
export { iouMetric, accuracyMetric, defaultMetrics, type ValidationMetric } from './metrics';
export { Optimizer, OPTIMIZERS, type OptimizerSpec, type OptimizerType, type OptimizerSlot } from './optimizers';
export { LrSchedule, LR_SCHEDULES, type LrScheduleSpec, type LrScheduleType, type LrScheduleState } from './lr-schedule';
export { EarlyStopping, type EarlyStoppingState } from './early-stopping';
export {
  CHECKPOINT_FILES,
  writeCheckpoint,
  readTrainingState,
  recoverCheckpoints,
  isCompleteCheckpoint,
  type EpochRecord,
  type TrainingState,
} from './checkpoint';
export { trainModel, modelOptionsFromConfig, type TrainRequest, type TrainOutcome, type TrainingRun } from './trainer';
