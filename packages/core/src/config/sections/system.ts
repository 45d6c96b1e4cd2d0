import { z } from 'zod';
import { section } from '../schema-helpers';

export const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

export const systemSection = section(
  {
    backend: z
      .enum(BACKENDS)
      .default('auto')
      .describe(
        'tfjs backend. auto tries @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node, then wasm, then cpu (slow; last resort).',
      ),
    seed: z.number().int().min(0).default(0).describe('Seed of every random choice (splits, patches, augmentation, weights).'),
  },
  'Where and how the run computes.',
);
