import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coreSchema, silentLogger, type ResolvedConfig, type TrainingRun } from '@biaflow/core/internals';
import { loadModel, loadTf, predict, selectBackend, trainModel, type TrainOutcome, type TrainRequest } from '@biaflow/engine-tfjs';

export const tf = loadTf();

/** Activate the wasm backend (every engine test runs on it). */
export async function useWasm(): Promise<void> {
  await selectBackend(tf, 'wasm');
}

export function tmpdir(prefix = 'biaflow-engine-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A resolved config from a partial one (defaults filled in by the schema, as `loadConfig` does). */
export function testConfig(partial: Record<string, unknown>, patchSize: number[]): ResolvedConfig {
  const config = coreSchema.parse({ problem: { type: 'semantic' }, ...partial }) as ResolvedConfig;
  config.data.patch_size = patchSize;
  return config;
}

/** A run for `trainModel`, with the folder it trains in. */
export type TestRun = TrainingRun & { runDir: string };

/** A run for `trainModel`: a fresh folder, a silent logger, the wasm tfjs. */
export function testRun(config: ResolvedConfig, runDir = tmpdir(), resume = false): TestRun {
  return { config, runDir, logger: silentLogger(), tf, resume };
}

/** `trainModel`, writing into the test run's folder as biaflow lays out a run folder (checkpoints/, model/, train_metrics.csv). */
export function train(request: Omit<TrainRequest, 'files' | 'run'> & { run: TestRun }): Promise<TrainOutcome> {
  const { runDir } = request.run;
  return trainModel({
    ...request,
    files: { checkpoints: path.join(runDir, 'checkpoints'), model: path.join(runDir, 'model'), metricsCsv: path.join(runDir, 'train_metrics.csv') },
  });
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const blobs = require('./fixtures/blobs.js') as {
  blobSample(seed: number, index: number, spatial: number[], options?: Record<string, unknown>): { image: NdArrayF; target: NdArrayF };
  blobSamples(seed: number, from: number, count: number, spatial: number[], options?: Record<string, unknown>): { image: NdArrayF; target: NdArrayF }[];
  blobData(options: { seed?: number; spatial?: number[]; train?: number; val?: number; batchSize?: number; patchSize?: number[]; stepsPerEpoch?: number }): import('@biaflow/engine-tfjs/internals').InMemoryTrainingData;
  iou(prob: ArrayLike<number>, mask: ArrayLike<number>): number;
};

type NdArrayF = { data: Float32Array; shape: number[] };

/** Largest |a − b| relative to the largest |b|. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

/** Pooled foreground IoU (Σ intersection / Σ union) of a bundle's predictions on unseen blob images. */
export async function blobTestIoU(modelDir: string, spatial: number[], count: number): Promise<number> {
  const loaded = await loadModel(modelDir);
  let inter = 0;
  let union = 0;
  for (const s of blobs.blobSamples(77, 50_000, count, spatial)) {
    const p = await predict(loaded, s.image);
    for (let i = 0; i < p.data.length; i++) {
      const a = p.data[i] > 0.5;
      const b = s.target.data[i] > 0.5;
      if (a && b) inter++;
      if (a || b) union++;
    }
  }
  loaded.dispose();
  return inter / union;
}
