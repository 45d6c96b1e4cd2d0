import type { Tf } from '../kernel/run-context';
import { installMissingGradients } from './gradients';
import { installWasmKernels } from './wasm-kernels';

let installed = false;

/**
 * Load the wasm backend package and install biaflow's kernels (training needs gradients wasm
 * lacks, and some of its kernels are slow loops). Kernels must be in place before the backend
 * initializes, so this runs before `tf.setBackend('wasm')`.
 */
export async function prepareWasmBackend(tf: Tf): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-backend-wasm');
  if (installed) return;
  installWasmKernels(tf);
  installMissingGradients(tf);
  installed = true;
}
