import type { Tf } from '@biaflow/core';
import type { KernelBackend, TensorInfo } from './call-kernel';
import { copyBox } from './copy-box';
import { replaceKernel } from './replace-kernel';

/**
 * Slice, SplitV and Concat for numeric tensors as strided copies on the wasm heap (see copyBox).
 * They matter for U-Nets: every skip connection is a Concat forward and a SplitV backward.
 */
export function installSliceConcat(tf: Tf): void {
  const slice = (x: TensorInfo, begin: number[], size: number[], backend: KernelBackend): TensorInfo => {
    const out = backend.makeOutput(size, x.dtype);
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    copyBox(src, x.shape, begin, dst, size, new Array(size.length).fill(0), size);
    return out;
  };

  replaceKernel(tf, 'Slice', (original) => (args) => {
    const { x } = args.inputs as unknown as { x: TensorInfo };
    if (x.dtype === 'string') return original(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size?: number | number[] };
    const [begin_, size_] = tf.slice_util.parseSliceParams(x as never, begin, size);
    return slice(x, begin_, size_, args.backend as unknown as KernelBackend) as never;
  });

  replaceKernel(tf, 'SplitV', (original) => (args) => {
    const { x } = args.inputs as unknown as { x: TensorInfo };
    if (x.dtype === 'string') return original(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as never, numOrSizeSplits, ax);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[ax] = s;
      const part = slice(x, [...begin], size, args.backend as unknown as KernelBackend);
      begin[ax] += s;
      return part;
    }) as never;
  });

  replaceKernel(tf, 'Concat', (original) => (args) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    if (inputs[0].dtype === 'string') return original(args);
    const nonEmpty = inputs.filter((t) => t.shape.every((d) => d > 0));
    if (nonEmpty.length <= 1) return original(args);
    const axis = tf.util.parseAxisParam((args.attrs as { axis: number }).axis, inputs[0].shape)[0];
    tf.backend_util.assertParamsConsistent(
      inputs.map((t) => t.shape),
      axis,
    );
    const outShape = tf.backend_util.computeOutShape(
      inputs.map((t) => t.shape),
      axis,
    );
    const backend = args.backend as unknown as KernelBackend;
    const out = backend.makeOutput(outShape, inputs[0].dtype);
    const dst = backend.typedArrayFromHeap(out);
    const dstBegin = new Array<number>(outShape.length).fill(0);
    for (const t of nonEmpty) {
      copyBox(backend.typedArrayFromHeap(t), t.shape, new Array(t.shape.length).fill(0), dst, outShape, dstBegin, t.shape);
      dstBegin[axis] += t.shape[axis];
    }
    return out as never;
  });
}
