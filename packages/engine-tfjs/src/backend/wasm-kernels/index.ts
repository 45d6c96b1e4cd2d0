import type { Tf } from '@biaflow/core';
import { installBatchMatMul } from './batch-mat-mul';
import { installConv2DBackpropFilter } from './conv2d-backprop-filter';
import { installConv2DBackpropInput } from './conv2d-backprop-input';
import { installConv3D } from './conv3d';
import { installConv3DBackpropFilter } from './conv3d-backprop-filter';
import { installConv3DBackpropInput } from './conv3d-backprop-input';
import { installIdentity } from './identity';
import { installMaxPool } from './max-pool';
import { installReductions } from './reductions';
import { installSliceConcat } from './slice-concat';

/**
 * The wasm kernels biaflow adds or replaces (training needs gradients wasm lacks, and several of
 * its kernels are plain loops). Call once, before the backend initializes.
 */
export const BIAFLOW_WASM_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'Conv3D',
  'Conv3DBackpropFilterV2',
  'Conv3DBackpropInputV2',
  'MaxPoolGrad',
  'MaxPool3DGrad',
  'MaxPool3D',
  'Slice',
  'SplitV',
  'Concat',
  'Transpose',
  'Sum',
  'Mean',
  'BatchMatMul',
  'Identity',
] as const;

export function installWasmKernels(tf: Tf): void {
  installConv2DBackpropFilter(tf);
  installConv2DBackpropInput(tf);
  installConv3D(tf);
  installConv3DBackpropInput(tf);
  installConv3DBackpropFilter(tf);
  installMaxPool(tf);
  installSliceConcat(tf);
  installReductions(tf);
  installBatchMatMul(tf);
  installIdentity(tf);
}
