import type { Tf } from '@biaflow/core';
import { registerConv3DBackpropInputGrad } from './conv3d-backprop-input-grad';

/** Register gradients tfjs lacks for ops biaflow's models use (backend-independent). */
export function installMissingGradients(tf: Tf): void {
  registerConv3DBackpropInputGrad(tf);
}
