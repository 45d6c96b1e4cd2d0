import { z } from 'zod';
import { positiveInt, section } from '../schema-helpers';

/** The losses `train.loss.type` names (the training engine implements each). */
export const LOSS_TYPES = ['bce', 'cce', 'dice', 'ce_dice', 'mse', 'mae'] as const;
export type LossType = (typeof LOSS_TYPES)[number];
const OPTIMIZERS = ['adam', 'adamw', 'sgd'] as const;
export type OptimizerType = (typeof OPTIMIZERS)[number];
const LR_SCHEDULES = ['none', 'reduce_on_plateau', 'warmup_cosine'] as const;
export type LrScheduleType = (typeof LR_SCHEDULES)[number];

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
    optimizer: z
      .enum(OPTIMIZERS)
      .default('adam')
      .describe('adam, adamw (Adam with decoupled weight decay) or sgd (with train.momentum).'),
    weight_decay: z
      .number()
      .min(0)
      .default(0)
      .describe('Weight decay of convolution and dense kernels: decoupled for adamw (0.01 is usual), an L2 term in the gradient for adam and sgd.'),
    momentum: z.number().min(0).lt(1).default(0.9).describe('Momentum of sgd.'),
    lr_schedule: section(
      {
        type: z
          .enum(LR_SCHEDULES)
          .default('none')
          .describe('none (constant), reduce_on_plateau (multiply by factor after patience epochs without improvement) or warmup_cosine (linear warm-up, then cosine decay to min_lr).'),
        factor: z.number().gt(0).lt(1).default(0.5).describe('reduce_on_plateau: factor applied to the rate.'),
        patience: positiveInt().default(5).describe('reduce_on_plateau: epochs without improvement before the rate is reduced.'),
        min_lr: z.number().min(0).default(1e-6).describe('Lowest learning rate of either schedule.'),
        warmup_epochs: z.number().min(0).default(0).describe('warmup_cosine: epochs of linear warm-up.'),
      },
      'How the learning rate changes during training.',
    ),
    loss: section(
      {
        type: z
          .enum(['auto', ...LOSS_TYPES])
          .default('auto')
          .describe('auto (the workflow\'s choice), bce, cce, dice, ce_dice (weighted cross-entropy + Dice), mse or mae.'),
        channel_weights: z
          .array(z.number().min(0))
          .default([])
          .describe('One weight per output channel (class weights for cce); [] = all 1.'),
        ce_weight: z.number().min(0).default(1).describe('ce_dice: weight of the cross-entropy term.'),
        dice_weight: z.number().min(0).default(1).describe('ce_dice: weight of the Dice term.'),
      },
      'What training minimizes.',
    ),
    steps_per_epoch: z
      .union([positiveInt(), z.literal('auto')])
      .default('auto')
      .describe('Training steps per epoch; auto = one pass over the training patches.'),
    tune_thresholds: z
      .boolean()
      .default(true)
      .describe(
        "After training, search the workflow's tunable decoding thresholds on the validation images for its best main figure (StarDist's optimize_thresholds) and store them in the model. A value set in postprocess: still wins. `biaflow tune --out RUN` runs it again.",
      ),
    checkpoint_every: positiveInt()
      .default(1)
      .describe('Write checkpoints/last every this many epochs (checkpoints/best is written whenever the monitored loss improves).'),
  },
  'How the network is trained.',
);
