import fs from 'node:fs';
import path from 'node:path';
import { coreSchema, recordFromBundle, silentLogger, type NormalizationSettings, type ResolvedConfig } from '@biaflow/core/internals';
import { predictImage } from '@biaflow/image';
import { loadModel, loadTf, selectBackend, tfPredictor, trainModel } from '@biaflow/engine-tfjs';
import { tempDir, writeTestImage } from './files';
import { prepareFor } from './prepare';

/** Folder pairs of 48×48 uint16 images with bright discs, labels 0/255 under the discs. */
function discs(root: string, n: number): void {
  let s = 11;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < n; i++) {
    const img = new Uint16Array(48 * 48);
    const lab = new Uint8Array(48 * 48);
    const centres = Array.from({ length: 3 }, () => [6 + rand() * 36, 6 + rand() * 36]);
    for (let y = 0; y < 48; y++)
      for (let x = 0; x < 48; x++) {
        const fg = centres.some(([cy, cx]) => (y - cy) ** 2 + (x - cx) ** 2 < 36);
        img[y * 48 + x] = (fg ? 9000 : 2000) + Math.floor(rand() * 1500);
        lab[y * 48 + x] = fg ? 255 : 0;
      }
    writeTestImage(path.join(root, 'images', `d${i}.tif`), img, [48, 48]);
    writeTestImage(path.join(root, 'labels', `d${i}.png`), lab, [48, 48]);
  }
}

describe('data pipeline → engine trainer → tiled prediction', () => {
  test('the engine trains on prepared batches; the bundle keeps the normalization; tiled prediction finds the discs', async () => {
    const tf = loadTf();
    await selectBackend(tf, 'wasm');
    const root = tempDir();
    discs(root, 6);
    const runDir = tempDir('biaflow-run-');
    const config = coreSchema.parse({
      problem: { type: 'semantic' },
      data: { train: { images: path.join(root, 'images'), labels: path.join(root, 'labels') }, val: { split: 0.2 } },
      train: { epochs: 6, batch_size: 4, lr: 0.01, patience: 0 },
      model: { feature_maps: [8, 16] },
      augment: { flip: { probability: 0.5 }, rot90: { probability: 0.5 } },
    }) as ResolvedConfig;
    config.data.patch_size = [32, 32];
    const prepared = await prepareFor(config, { splitFile: path.join(runDir, 'split.json') });
    const outcome = await trainModel({
      run: { config, logger: silentLogger(), tf, resume: false },
      files: { checkpoints: path.join(runDir, 'checkpoints'), model: path.join(runDir, 'model'), metricsCsv: path.join(runDir, 'train_metrics.csv') },
      data: prepared.training,
      head: { outputChannels: 1, outputActivation: 'sigmoid' },
      bundle: { normalization: prepared.normalization as unknown as NormalizationSettings, patchSize: [32, 32], problem: 'semantic' },
    });
    expect(outcome.history).toHaveLength(6);
    expect(outcome.history[5].loss).toBeLessThan(outcome.history[0].loss);
    expect(outcome.history[5].val_loss).not.toBeNull();

    const loaded = await loadModel(outcome.modelDir);
    expect(loaded.meta.normalization).toEqual(JSON.parse(JSON.stringify(prepared.normalization)));
    // A new, larger image, predicted in overlapping tiles with the bundle's normalization.
    const test = tempDir();
    discs(test, 1);
    const { readImage } = await import('@biaflow/io');
    const { toModelLayout } = await import('@biaflow/image');
    const image = toModelLayout(await readImage(path.join(test, 'images', 'd0.tif')), 2);
    const truth = toModelLayout(await readImage(path.join(test, 'labels', 'd0.png')), 2);
    const prob = await predictImage(image, tfPredictor(tf, loaded.model), {
      patchSize: [32, 32],
      overlap: 0.25,
      batchSize: 4,
      normalization: recordFromBundle(loaded.meta.normalization!),
    });
    loaded.model.dispose();
    let inter = 0;
    let union = 0;
    for (let i = 0; i < prob.data.length; i++) {
      const a = prob.data[i] > 0.5;
      const b = truth.data[i] > 0;
      if (a && b) inter++;
      if (a || b) union++;
    }
    // Measured 0.99 (six epochs of a tiny U-Net on an easy task); 0.8 leaves room for backend differences.
    expect(inter / union).toBeGreaterThan(0.8);
    expect(fs.existsSync(path.join(runDir, 'split.json'))).toBe(true);
  });
});
