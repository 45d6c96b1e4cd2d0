import type { Tf } from '../../kernel/run-context';
import { installConv2DBackpropFilter } from './conv2d-backprop-filter';
import { installConv2DBackpropInput } from './conv2d-backprop-input';

/** Install every kernel biaflow adds to the wasm backend. Call before the backend initializes. */
export function installWasmKernels(tf: Tf): void {
  installConv2DBackpropFilter(tf);
  installConv2DBackpropInput(tf);
}
