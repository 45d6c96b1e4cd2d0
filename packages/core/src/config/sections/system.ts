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
    threads: z
      .union([z.literal('auto'), z.number().int().min(1).max(64)])
      .default('auto')
      .describe(
        'CPU threads of the wasm backend: a number, or auto for the number of cores. At most 8 are used (the threaded wasm build has 8 workers); 1 uses the single-threaded build. The tensorflow backends manage their own threads.',
      ),
    seed: z.number().int().min(0).default(0).describe('Seed of every random choice (splits, patches, augmentation, weights).'),
  },
  'Where and how the run computes.',
);
