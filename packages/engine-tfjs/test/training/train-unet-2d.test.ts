import fs from 'node:fs';
import path from 'node:path';
import { blobs, blobTestIoU, testConfig, testRun, useWasm, train } from './helpers';

beforeAll(useWasm);

const head = { outputChannels: 1, outputActivation: 'sigmoid' as const };

test('2D U-Net [8,16] on generated blobs, 120 steps on wasm: IoU ≥ 0.9 on images it never saw', async () => {
  const spatial = [64, 64];
  const config = testConfig(
    { system: { backend: 'wasm', seed: 1 }, model: { feature_maps: [8, 16] }, train: { epochs: 12, steps_per_epoch: 10, batch_size: 4, lr: 0.005, patience: 0 } },
    spatial,
  );
  const run = testRun(config);
  const out = await train({ run, data: blobs.blobData({ seed: 1, spatial, train: 16, val: 4, batchSize: 4 }), head });
  expect(out.epochs).toBe(12);
  expect(out.history[11].loss).toBeLessThan(out.history[0].loss / 3);
  const iou = await blobTestIoU(out.modelDir, spatial, 8);
  console.log(`2D U-Net test IoU ${iou.toFixed(4)} (val_iou of the last epoch ${out.history[11].val_iou})`);
  expect(iou).toBeGreaterThanOrEqual(0.9);
  // The run folder holds what the contract says.
  const csv = fs.readFileSync(path.join(run.runDir, 'train_metrics.csv'), 'utf8').trim().split('\n');
  expect(csv[0]).toBe('epoch,loss,val_loss,val_iou,lr,time_s');
  expect(csv).toHaveLength(13);
  for (const d of ['model', 'checkpoints/last', 'checkpoints/best']) expect(fs.existsSync(path.join(run.runDir, d, 'biaflow.json'))).toBe(true);
});
