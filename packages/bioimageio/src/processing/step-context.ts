import { FieldReader } from '../description/fields';
import { allocate, dtypeOf, stridesOf, type NdArray } from '../ndarray';
import { quote } from '../printable';

/** A tensor with the ids of its axes, in its own axis order. */
export interface AxesTensor {
  tensor: NdArray;
  axes: readonly string[];
}

/** Where a processing step runs: its field path for messages, and the tensors it may refer to. */
export interface StepContext {
  /** The step's field path, e.g. `inputs[0].preprocessing[1]`. */
  field: string;
  /** The description file, for messages. */
  file?: string;
  /** Tensors a `reference_tensor` may name: the model's unprocessed inputs, by id. */
  references?: Readonly<Record<string, AxesTensor>>;
}

export type ProcessingOp = (x: NdArray, axes: readonly string[], kwargs: Record<string, unknown>, ctx: StepContext) => NdArray;

/** Reads one step's kwargs; errors name `<step>.kwargs.<name>`. */
export class KwargsReader {
  private readonly r: FieldReader;

  constructor(
    readonly kwargs: Record<string, unknown>,
    readonly ctx: StepContext
  ) {
    this.r = new FieldReader(ctx.file);
  }

  path(name: string): string {
    return `${this.ctx.field}.kwargs.${name}`;
  }

  fail(name: string, message: string): never {
    return this.r.fail(this.path(name), message);
  }

  has(name: string): boolean {
    return this.kwargs[name] !== undefined && this.kwargs[name] !== null;
  }

  number(name: string, fallback?: number): number {
    if (!this.has(name)) {
      if (fallback !== undefined) return fallback;
      this.fail(name, 'is required');
    }
    return this.r.number(this.kwargs[name], this.path(name));
  }

  /** A number or a non-empty list of numbers. */
  numbers(name: string, fallback?: number): number | number[] {
    const v = this.kwargs[name];
    if (Array.isArray(v)) {
      if (v.length === 0) this.fail(name, 'must not be an empty list');
      return v.map((x, i) => this.r.number(x, `${this.path(name)}[${i}]`));
    }
    return this.number(name, fallback);
  }

  string(name: string, fallback?: string): string {
    if (!this.has(name)) {
      if (fallback !== undefined) return fallback;
      this.fail(name, 'is required');
    }
    return this.r.string(this.kwargs[name], this.path(name));
  }

  /** `axes` as a list of axis ids, or null when left out (= all axes). */
  axes(name = 'axes'): string[] | null {
    if (!this.has(name)) return null;
    return this.r.array(this.kwargs[name], this.path(name)).map((a, i) => this.r.string(a, `${this.path(name)}[${i}]`));
  }

  /** The position of axis `id` in `axes`, or an error naming the kwarg. */
  axisIndex(name: string, id: string, axes: readonly string[]): number {
    const a = axes.indexOf(id);
    if (a < 0) this.fail(name, `axis ${quote(id)} is not an axis of this tensor (${axes.join(', ')})`);
    return a;
  }

  /** A tensor named by `reference_tensor`, or the tensor itself when left out. */
  reference(name: string, self: AxesTensor): AxesTensor {
    if (!this.has(name)) return self;
    const id = this.string(name);
    const ref = this.ctx.references?.[id];
    if (!ref) {
      const known = Object.keys(this.ctx.references ?? {});
      this.fail(name, `tensor ${quote(id)} is not available here (inputs: ${known.join(', ') || 'none given'})`);
    }
    return ref;
  }
}

/** The output array of an arithmetic step: float64 for float64 input, float32 otherwise. */
export function floatOutput(x: NdArray): Float32Array | Float64Array {
  return (dtypeOf(x) === 'float64' ? allocate('float64', x.data.length) : allocate('float32', x.data.length)) as Float32Array | Float64Array;
}

/**
 * Per-element values from a list running along one axis (`gain: [1, 2, 3]` along `channel`):
 * the list must have one value per position on that axis, or one value for all.
 */
export function alongAxis(values: readonly number[], x: NdArray, a: number, name: string, k: KwargsReader): (i: number) => number {
  const size = x.shape[a];
  if (values.length !== size && values.length !== 1) {
    k.fail(name, `lists ${values.length} values, axis ${quote(k.kwargs.axis as string)} has size ${size}`);
  }
  if (values.length === 1) return () => values[0];
  const stride = stridesOf(x.shape)[a];
  return (i) => values[Math.floor(i / stride) % size];
}
