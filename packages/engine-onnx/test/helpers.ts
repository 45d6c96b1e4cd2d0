import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTf } from '@biaflow/engine-tfjs';
import { createOnnxPredictor } from '@biaflow/engine-onnx';
import type { LayersModel, Tensor } from '@tensorflow/tfjs';

export const tf = loadTf();

/** The tfjs reference runs on the cpu backend (core's own tests show wasm gives the same outputs). */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
}

export function tmpdir(prefix = 'biaflow-onnx-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Deterministic uniform numbers in [0, 1) (mulberry32). */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seeded roughly normal values (sum of uniforms), channels-last batch data. */
export function randomBatch(shape: number[], seed: number): { data: Float32Array; shape: number[] } {
  const u = seededUniform(seed);
  const data = new Float32Array(shape.reduce((a, v) => a * v, 1));
  for (let i = 0; i < data.length; i++) data[i] = (u() + u() + u() - 1.5) * 2;
  return { data, shape };
}

/**
 * Give every bias and batch-norm parameter seeded non-trivial values: freshly built networks have
 * zero biases, γ = 1, β = 0, mean 0 and variance 1, which would let a lost bias or a batch norm
 * exported as the identity go unnoticed.
 */
export function randomizeNonKernelWeights(model: LayersModel, seed: number): void {
  const u = seededUniform(seed);
  const ranges: [string, number, number][] = [
    ['/bias', -0.5, 0.5],
    ['/gamma', 0.5, 1.5],
    ['/beta', -0.5, 0.5],
    ['/moving_mean', -0.5, 0.5],
    ['/moving_variance', 0.3, 2],
  ];
  for (const w of model.weights) {
    const range = ranges.find(([suffix]) => w.originalName.endsWith(suffix));
    if (!range) continue;
    const [, lo, hi] = range;
    const n = w.shape.reduce((a, v) => a * (v as number), 1);
    const t = tf.tensor(Float32Array.from({ length: n }, () => lo + (hi - lo) * u()), w.shape as number[]);
    w.write(t);
    t.dispose();
  }
}

export async function tfjsPredict(model: LayersModel, batch: { data: Float32Array; shape: number[] }): Promise<{ data: Float32Array; shape: number[] }> {
  const x = tf.tensor(batch.data, batch.shape);
  const y = model.predict(x) as Tensor;
  const out = { data: (await y.data()) as Float32Array, shape: y.shape as number[] };
  tf.dispose([x, y]);
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return Number.isNaN(m) ? Infinity : m;
}

/** max − min: a comparison of two near-constant outputs would prove little. */
export function spread(a: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    lo = Math.min(lo, a[i]);
    hi = Math.max(hi, a[i]);
  }
  return hi - lo;
}

/** Run `batches` through tfjs and through ONNX Runtime on `onnx`; the largest difference and the outputs. */
export async function compareWithOnnx(model: LayersModel, onnx: Uint8Array, batches: { data: Float32Array; shape: number[] }[]) {
  const predictor = await createOnnxPredictor(onnx, { threads: 1 });
  try {
    const results = [];
    for (const batch of batches) {
      const expected = await tfjsPredict(model, batch);
      const actual = await predictor.predict(batch);
      results.push({ expected, actual, diff: maxAbsDiff(actual.data, expected.data) });
    }
    return results;
  } finally {
    await predictor.dispose();
  }
}
