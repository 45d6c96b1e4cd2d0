import type { Tf } from '@biaflow/core';
import { simplifyTranspose } from './transpose-plan';

/** A tensor handle as wasm kernels see it. */
export interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` our kernels use. They are public methods of the
 * class (not in tfjs-core's `KernelBackend` type), stable across tfjs 4.x.
 */
export interface KernelBackend {
  disposeData(dataId: object): boolean | void;
  /** Allocate an output tensor on the wasm heap. */
  makeOutput(shape: number[], dtype: string): TensorInfo;
  /** A view (no copy) of a tensor's memory on the wasm heap; invalid after the heap grows. */
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export type Attrs = Record<string, unknown>;

/**
 * Call other kernels of the same backend directly (no tensors, no autograd tape), collecting
 * intermediates so they can be freed once the result is computed.
 */
export class KernelCalls {
  private readonly temporaries: TensorInfo[] = [];
  /** Data created in this scope (not a reshape of someone else's tensor). */
  private readonly fresh = new Set<object>();

  constructor(
    private readonly tf: Tf,
    readonly backend: KernelBackend,
    private readonly backendName = 'wasm',
  ) {}

  /** Run a kernel; its output is freed by `dispose()` unless `keep` is set. */
  call(kernelName: string, inputs: Record<string, TensorInfo>, attrs: Attrs, keep = false): TensorInfo {
    const config = this.tf.getKernel(kernelName, this.backendName);
    if (!config) throw new Error(`kernel ${kernelName} is not registered for ${this.backendName}`);
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs } as never) as unknown as TensorInfo;
    const ins = Object.values(inputs);
    if (!ins.some((t) => t.dataId === out.dataId) || ins.every((t) => this.fresh.has(t.dataId))) this.fresh.add(out.dataId);
    return keep ? out : this.track(out);
  }

  /** Free `t` with the other intermediates. */
  track<T extends TensorInfo>(t: T): T {
    this.temporaries.push(t);
    return t;
  }

  /** A new float32 tensor on the heap (uninitialized); freed by `dispose()` unless `keep`. */
  alloc(shape: number[], keep = false): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32');
    this.fresh.add(out.dataId);
    return keep ? out : this.track(out);
  }

  /** Float32 view of a tensor's heap memory. Take views only after the last allocation. */
  f32(t: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(t) as Float32Array;
  }

  /** Same data, another shape (shares memory; reference-counted by the backend). */
  reshape(x: TensorInfo, shape: number[], keep = false): TensorInfo {
    return this.call('Reshape', { x }, { shape }, keep);
  }

  /**
   * Transpose through wasm's C++ kernel, after merging axes that stay adjacent: its 2-4D loops are
   * fast, its generic N-d loop is very slow.
   */
  transpose(x: TensorInfo, perm: number[], keep = false): TensorInfo {
    const plan = simplifyTranspose(x.shape, perm);
    const outShape = perm.map((p) => x.shape[p]);
    if (plan.identity) return this.reshape(x, outShape, keep);
    const r = this.reshape(x, plan.shape);
    const t = this.call('Transpose', { x: r }, { perm: plan.perm });
    return this.reshape(t, outShape, keep);
  }

  /**
   * [M,K] × [K,N] through XNNPACK (wasm's fast path: rank 2, no transposes). wasm caches the
   * XNNPACK operator, with `b` packed as its weights, under b's tensor id alone, not its shape: a
   * tensor reused as `b` under another [K,N] would run the cached operator with the wrong shape
   * (out-of-bounds memory access). So `b` is copied unless it was made in this scope, or the
   * caller vouches that any other use sees the same [K,N] (`bShapeAsOwner`).
   */
  matMul(a: TensorInfo, b: TensorInfo, keep = false, bShapeAsOwner = false): TensorInfo {
    let weights = b;
    if (!bShapeAsOwner && !this.fresh.has(b.dataId)) {
      weights = this.alloc(b.shape);
      this.f32(weights).set(this.f32(b));
    }
    return this.call('BatchMatMul', { a, b: weights }, { transposeA: false, transposeB: false }, keep);
  }

  /** NHWC Conv2D through XNNPACK with explicit padding [top, bottom, left, right]. */
  conv2d(
    x: TensorInfo,
    filter: TensorInfo,
    strides: [number, number],
    pads: [number, number, number, number],
    dilations: [number, number] = [1, 1],
    keep = false,
  ): TensorInfo {
    const [top, bottom, left, right] = pads;
    return this.call(
      'Conv2D',
      { x, filter },
      {
        strides,
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations,
      },
      keep,
    );
  }

  /** Run `body` with its own intermediates, freed when it returns (to bound peak memory in loops). */
  scope<T>(body: (k: KernelCalls) => T): T {
    const inner = new KernelCalls(this.tf, this.backend, this.backendName);
    try {
      return body(inner);
    } finally {
      inner.dispose();
    }
  }

  dispose(): void {
    for (const t of this.temporaries) this.backend.disposeData(t.dataId);
    this.temporaries.length = 0;
  }
}

/** Run `body` with a fresh `KernelCalls`, freeing every intermediate it did not keep. */
export function withKernelCalls<T>(tf: Tf, backend: unknown, body: (k: KernelCalls) => T): T {
  const k = new KernelCalls(tf, backend as KernelBackend);
  try {
    return body(k);
  } finally {
    k.dispose();
  }
}
