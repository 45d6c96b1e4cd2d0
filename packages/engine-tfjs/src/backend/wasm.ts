import type { Tf } from '@biaflow/core';
import { installMissingGradients } from './gradients';
import { installWasmKernels } from './wasm-kernels';
import { resolveThreadCount, threadedLoaderInstalled, useThreadedWasm, type WasmPackage } from './wasm-threads/threaded-loader';

export interface WasmBackendOptions {
  /**
   * XNNPACK threads: a number, or `auto` for the number of cores (at most 8). Default 1: one
   * thread is fully deterministic and starts instantly; more threads start 8 pthread workers.
   */
  threads?: number | 'auto';
  /** Where to report that threads could not start (the backend then runs on one thread). */
  warn?: (message: string) => void;
}

let kernelsInstalled = false;

/**
 * Load the wasm backend package, install biaflow's kernels (training needs gradients wasm lacks,
 * and several of its kernels are slow loops) and choose its thread count. Kernels and threads
 * must be set before the backend initializes, so this runs before `tf.setBackend('wasm')`; once
 * the backend runs, its thread count is fixed for the process.
 */
export async function prepareWasmBackend(tf: Tf, options: WasmBackendOptions = {}): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wasm = require('@tensorflow/tfjs-backend-wasm') as WasmPackage;
  if (!kernelsInstalled) {
    installWasmKernels(tf);
    installMissingGradients(tf);
    kernelsInstalled = true;
  }
  if (wasmRunning(tf)) return;
  const threads = resolveThreadCount(options.threads);
  if (threads > 1 || threadedLoaderInstalled()) {
    try {
      useThreadedWasm(tf, wasm, threads, options.warn);
      return;
    } catch (e) {
      options.warn?.(`cannot use threads on the wasm backend (${(e as Error).message}); using one thread`);
    }
  }
  wasm.setThreadsCount(1);
}

/** Threads the running wasm backend uses (1 for the single-threaded build), or undefined before it starts. */
export function wasmThreadCount(tf: Tf): number | undefined {
  if (!wasmRunning(tf)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@tensorflow/tfjs-backend-wasm') as WasmPackage).getThreadsCount();
}

/** Whether the wasm backend has initialized (tf.findBackend would start initializing it). */
function wasmRunning(tf: Tf): boolean {
  return tf.engine().registry.wasm != null;
}
