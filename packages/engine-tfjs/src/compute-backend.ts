import os from 'node:os';
import type { ComputeBackend } from '@biaflow/core';
import { loadTf } from './backend/load-tf';
import { selectBackend, type BackendChoice } from './backend/select-backend';

/**
 * What a run computes with: tfjs, on the backend `system.backend` names (`auto`: tfjs-node when
 * installed, else WebAssembly with `system.threads` threads and biaflow's kernels, else cpu).
 */
export const tfjsCompute: ComputeBackend = {
  name: 'tfjs',
  async activate(settings, logger) {
    const tf = loadTf();
    const selected = await selectBackend(tf, settings.backend as BackendChoice, logger, { threads: settings.threads });
    return {
      tf,
      name: selected.name,
      reason: selected.reason,
      threads: selected.threads ?? os.availableParallelism(),
      versions: { '@tensorflow/tfjs': tf.version.tfjs },
    };
  },
};
