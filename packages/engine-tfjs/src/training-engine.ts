import type { TrainingEngine } from '@biaflow/core';
import { restoreCheckpoints } from './training/checkpoint';
import { trainModel } from './training/trainer';

/** The training loop every workflow uses, on the run's tfjs backend: checkpoints, resume, early stopping. */
export const tfjsTrainer: TrainingEngine = {
  name: 'tfjs',
  description: 'TensorFlow.js training: Adam/AdamW/SGD, LR schedules, early stopping, checkpoints/last and best, resume',
  train: (request) => trainModel(request),
  restoreCheckpoints: (checkpointsDir, isStale) => restoreCheckpoints(checkpointsDir, isStale),
};
