import type { Tf } from '@biaflow/core';
import { withKernelCalls, type TensorInfo } from './call-kernel';
import { replaceKernel } from './replace-kernel';

/**
 * BatchMatMul with a transposed operand, which is how every dense layer's gradients are written
 * (dW = xᵀ·dy, dx = dy·Wᵀ). wasm sends any transpose to a plain triple loop; transposing the
 * operand first (C++, linear time) keeps the product on XNNPACK. Batched products keep wasm's kernel,
 * and so do products with fewer than 4 output rows or columns (a sum as xᵀ·1): there the loop does
 * less work than the transpose.
 */
export function installBatchMatMul(tf: Tf): void {
  replaceKernel(tf, 'BatchMatMul', (original) => (args) => {
    const { a, b } = args.inputs as unknown as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const batch = (t: TensorInfo) => t.shape.slice(0, -2).reduce((s, d) => s * d, 1);
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32' || batch(a) !== 1 || batch(b) !== 1) {
      return original(args);
    }
    const rows = transposeA ? a.shape[a.shape.length - 1] : a.shape[a.shape.length - 2];
    const cols = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
    if (Math.min(rows, cols) < 4) return original(args);
    const outBatch = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    return withKernelCalls(tf, args.backend, (k) => {
      const as2 = k.reshape(a, a.shape.slice(-2));
      const bs2 = k.reshape(b, b.shape.slice(-2));
      const a2 = transposeA ? k.transpose(as2, [1, 0]) : as2;
      const b2 = transposeB ? k.transpose(bs2, [1, 0]) : bs2;
      // An untransposed b keeps b's own [K,N], as wasm's kernel would use it.
      const out = k.matMul(a2, b2, false, !transposeB);
      return k.reshape(out, [...outBatch, out.shape[0], out.shape[1]], true);
    }) as never;
  });
}
