import { z } from 'zod';
import { positiveInt, section } from '../schema-helpers';

export const trainSection = section(
  {
    enabled: z.boolean().default(true).describe('Train a model. Set false to only predict with model.load.'),
    epochs: positiveInt().default(100).describe('Maximum number of epochs.'),
    batch_size: positiveInt().default(4).describe('Patches per training step.'),
    lr: z.number().positive().default(1e-3).describe('Learning rate.'),
    patience: z
      .number()
      .int()
      .min(0)
      .default(20)
      .describe('Early stopping: epochs without improvement of the validation loss before training stops (0 = never stop early).'),
  },
  'How the network is trained.',
);
