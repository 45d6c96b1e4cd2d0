import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BioimageioError, type NdArray } from '@biaflow/bioimageio';
import * as ort from 'onnxruntime-node';
import type { ModelRunner } from '@biaflow/bioimageio';

export const EXAMPLE = path.join(__dirname, 'fixtures', 'unet2d_nuclei_broad');

/** A fresh temporary folder, removed after the test file. */
const made: string[] = [];
export function tempDir(prefix = 'bmz-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of the example package to modify. */
export function copyExample(): string {
  const dir = path.join(tempDir(), 'unet2d_nuclei_broad');
  fs.cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}

export function f32(values: number[], shape: number[]): NdArray {
  return { data: Float32Array.from(values), shape };
}

export function values(a: NdArray): number[] {
  return Array.from(a.data as ArrayLike<number>);
}

/** Run `fn`, expect a BioimageioError, return it. */
export function expectBioimageioError(fn: () => unknown): BioimageioError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BioimageioError);
    return e as BioimageioError;
  }
  throw new Error('expected a BioimageioError, nothing was thrown');
}

export async function expectBioimageioErrorAsync(fn: () => Promise<unknown>): Promise<BioimageioError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BioimageioError);
    return e as BioimageioError;
  }
  throw new Error('expected a BioimageioError, nothing was thrown');
}

/** The ONNX runner the tests inject into testModel: onnxruntime-node on the CPU, inputs and outputs by position. */
export const onnxRunner: ModelRunner = async (weights, inputs) => {
  const session = await ort.InferenceSession.create(weights.bytes, { intraOpNumThreads: 1 });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    session.inputNames.forEach((name, i) => {
      feeds[name] = new ort.Tensor('float32', inputs[i].data as Float32Array, inputs[i].shape);
    });
    const out = await session.run(feeds);
    return session.outputNames.map((name) => ({ data: out[name].data as Float32Array, shape: [...out[name].dims] }));
  } finally {
    await session.release();
  }
};
