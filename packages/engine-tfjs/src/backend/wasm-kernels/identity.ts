import type { Tf } from '@biaflow/core';
import type { TensorInfo } from './call-kernel';
import { replaceKernel } from './replace-kernel';

/**
 * Identity (tf.clone, and ~100 calls in every training step) shares the input's memory, as the
 * cpu backend does, instead of copying it: tensors are immutable and the backend counts
 * references, so the memory lives until both are disposed.
 */
export function installIdentity(tf: Tf): void {
  replaceKernel(tf, 'Identity', (original) => (args) => {
    const { x } = args.inputs as unknown as { x: TensorInfo };
    if (x.dtype === 'string') return original(args);
    (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype } as never;
  });
}
