import { loadTf } from '@biaflow/engine-tfjs';
import { prepareWasmBackend } from '@biaflow/engine-tfjs/internals';

export const tf = loadTf();
type Tensor = import('@tensorflow/tfjs').Tensor;

/** Deterministic pseudo-random values in [-0.5, 0.5) (no dependence on a backend's RNG). */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 4294967296 - 0.5;
  }
  return out;
}

export interface Outcome {
  y: Float32Array;
  grads: Float32Array[];
}

/**
 * Forward value of `f` and the gradients of sum(f(inputs) · r) w.r.t. every input, on one
 * backend, for a fixed weighting r (so every output element's gradient path is exercised).
 */
export async function run(backend: string, shapes: number[][], f: (...xs: Tensor[]) => Tensor): Promise<Outcome> {
  await tf.setBackend(backend);
  if (tf.getBackend() !== backend) throw new Error(`backend ${backend} did not activate`);
  const xs = shapes.map((s, i) => tf.tensor(values(s.reduce((a, b) => a * b, 1), i + 1), s));
  const y = f(...xs);
  const r = tf.tensor(values(y.size, 99), y.shape);
  const g = tf.grads((...a: Tensor[]) => tf.sum(tf.mul(f(...a), r)));
  const grads = g(xs);
  const out = { y: (await y.data()) as Float32Array, grads: await Promise.all(grads.map(async (t) => (await t.data()) as Float32Array)) };
  tf.dispose([...xs, y, r, ...grads]);
  return out;
}

/** max |a − b| / max |b|: the error relative to the reference's scale. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let scale = 0;
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  return scale === 0 ? err : err / scale;
}

export const TOLERANCE = 1e-4;

/** Run on cpu and wasm; the largest relative error of the value and each gradient. */
export async function parity(shapes: number[][], f: (...xs: Tensor[]) => Tensor): Promise<number[]> {
  const cpu = await run('cpu', shapes, f);
  const wasm = await run('wasm', shapes, f);
  return [relError(wasm.y, cpu.y), ...wasm.grads.map((g, i) => relError(g, cpu.grads[i]))];
}

/** Start the wasm backend with biaflow's kernels (single-threaded, as the tests assume). */
export async function setUpWasm(): Promise<void> {
  await prepareWasmBackend(tf);
  await tf.setBackend('wasm');
  if (tf.getBackend() !== 'wasm') throw new Error('the wasm backend did not start');
}
