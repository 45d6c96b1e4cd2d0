import type { Tf } from '../../kernel/run-context';

/** A tensor handle as wasm kernels see it. */
export interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: string;
}

/** The backend object handed to kernel functions (only what we use). */
export interface KernelBackend {
  disposeData(dataId: object): boolean | void;
}

export type Attrs = Record<string, unknown>;

/**
 * Call another kernel of the same backend directly (no tensors, no autograd tape), collecting
 * intermediates so they can be freed once the result is computed.
 */
export class KernelCalls {
  private readonly temporaries: TensorInfo[] = [];

  constructor(
    private readonly tf: Tf,
    private readonly backend: KernelBackend,
    private readonly backendName = 'wasm',
  ) {}

  /** Run a kernel; its output is freed by `dispose()` unless `keep` is set. */
  call(kernelName: string, inputs: Record<string, TensorInfo>, attrs: Attrs, keep = false): TensorInfo {
    const config = this.tf.getKernel(kernelName, this.backendName);
    if (!config) throw new Error(`kernel ${kernelName} is not registered for ${this.backendName}`);
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs } as never) as unknown as TensorInfo;
    if (!keep) this.temporaries.push(out);
    return out;
  }

  dispose(): void {
    for (const t of this.temporaries) this.backend.disposeData(t.dataId);
    this.temporaries.length = 0;
  }
}
