import { z } from 'zod';
import { DEFAULT_MAX_MEGAVOXELS } from '@biaflow/image';
import { section } from '../schema-helpers';

const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

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
    max_image_megavoxels: z
      .number()
      .positive()
      .default(DEFAULT_MAX_MEGAVOXELS)
      .describe(
        'Largest image a run reads, in millions of samples (all axes and channels: 30000×30000×1 is 900). A larger image is refused from its header, before it is decoded, so a small compressed file cannot inflate to gigabytes. The same cap bounds what a config or a model asks to allocate, checked before anything is: a batch of patches or tiles (data.patch_size × train.batch_size or predict.batch_size × data.channels), the tensors a model package declares, a model bundle\'s tiles. Raise it for images or models that are meant to be that large.',
      ),
  },
  'Where and how the run computes.',
);
