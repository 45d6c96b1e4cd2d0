import type { Tf } from '@biaflow/core';

type KernelConfig = NonNullable<ReturnType<Tf['getKernel']>>;
export type KernelFunc = KernelConfig['kernelFunc'];

/**
 * Swap a registered wasm kernel for `make(original)`, keeping the original's setup and dispose
 * functions: the original code path (used as a fallback) needs its setup to have run.
 */
export function replaceKernel(tf: Tf, kernelName: string, make: (original: KernelFunc) => KernelFunc, backendName = 'wasm'): void {
  const original = tf.getKernel(kernelName, backendName);
  if (!original) throw new Error(`cannot replace ${kernelName}: no ${backendName} kernel registered`);
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel({
    kernelName,
    backendName,
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: make(original.kernelFunc),
  });
}

/** Register a kernel the backend lacks, or replace the existing one (without fallback). */
export function provideKernel(tf: Tf, kernelName: string, kernelFunc: KernelFunc, backendName = 'wasm'): void {
  const existing = tf.getKernel(kernelName, backendName);
  if (existing) {
    replaceKernel(tf, kernelName, () => kernelFunc, backendName);
    return;
  }
  tf.registerKernel({ kernelName, backendName, kernelFunc });
}
