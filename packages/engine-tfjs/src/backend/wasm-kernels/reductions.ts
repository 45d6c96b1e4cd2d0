import type { Tf } from '@biaflow/core';
import { withKernelCalls, type KernelBackend, type TensorInfo } from './call-kernel';
import { replaceKernel, type KernelFunc } from './replace-kernel';
import { simplifyTranspose } from './transpose-plan';

/**
 * Transpose, Sum and Mean without wasm's slow paths:
 * - wasm's Transpose only drops size-1 axes; a 5D permutation then runs its generic per-element
 *   loop (vector allocations per element). Merging axes that stay adjacent brings nearly every
 *   permutation down to its fast 2-4D loops.
 * - Sum and Mean move the reduced axes innermost with that same transpose first: a bias gradient
 *   of a 3D convolution (Sum over the first four axes of a 5D tensor) took ~160 ms. Reducing the
 *   leading axes of a row-major array needs no transpose at all: it is xᵀ·1 for x as [N, C], which
 *   wasm's matmul loop (transposed operand, one column) computes in one pass, in float32 blocks of
 *   48, 2-3× faster than a JS loop. Other axis sets are transposed with the merged transpose.
 */
export function installReductions(tf: Tf): void {
  replaceKernel(tf, 'Transpose', (original) => (args) => {
    const { x } = args.inputs as unknown as { x: TensorInfo };
    const { perm } = args.attrs as unknown as { perm: number[] };
    const plan = simplifyTranspose(x.shape, perm);
    const outShape = perm.map((p) => x.shape[p]);
    if (plan.identity || plan.shape.length === x.shape.length) {
      return original(args); // nothing to merge (wasm's kernel handles identity with a copy)
    }
    const merged = { ...x, shape: plan.shape };
    const t = original({ ...args, inputs: { x: merged } as never, attrs: { perm: plan.perm } as never }) as unknown as TensorInfo;
    return { ...t, shape: outShape } as never;
  });

  const reduce = (mean: boolean) => (original: KernelFunc) => ((args) => {
    const { x } = args.inputs as unknown as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims?: boolean };
    if (x.dtype !== 'float32' || x.shape.length === 0) return original(args);
    const rank = x.shape.length;
    const axes = [...new Set(tf.util.parseAxisParam(axis, x.shape))].sort((a, b) => a - b);
    const outShape = x.shape.filter((_, i) => !axes.includes(i));
    const finalShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : outShape;
    const leading = axes.every((a, i) => a === i);
    const backend = args.backend as unknown as KernelBackend;
    if (leading && axes.length > 0) {
      const n = axes.reduce((s, a) => s * x.shape[a], 1);
      const c = outShape.reduce((s, d) => s * d, 1);
      return withKernelCalls(tf, args.backend, (k) => {
        const weights = k.alloc([n, 1]);
        k.f32(weights).fill(mean ? 1 / n : 1);
        const r = k.call('BatchMatMul', { a: k.reshape(x, [n, c]), b: weights }, { transposeA: true, transposeB: false });
        return k.reshape(r, finalShape, true);
      }) as never;
    }
    const innermost = axes.every((a, i) => a === rank - axes.length + i);
    if (innermost || axes.length === 0) return original(args);
    const perm = [...Array.from({ length: rank }, (_, i) => i).filter((i) => !axes.includes(i)), ...axes];
    return withKernelCalls(tf, args.backend, (k) => {
      const xt = k.transpose(x, perm);
      const inner = axes.map((_, i) => rank - axes.length + i);
      const r = original({ ...args, inputs: { x: xt } as never, attrs: { axis: inner, keepDims: false } as never }) as unknown as TensorInfo;
      return k.reshape(k.track(r), finalShape, true);
    }) as never;
  }) as KernelFunc;

  replaceKernel(tf, 'Sum', reduce(false));
  replaceKernel(tf, 'Mean', reduce(true));
}
