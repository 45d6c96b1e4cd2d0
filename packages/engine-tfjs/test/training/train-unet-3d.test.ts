import { blobs, blobTestIoU, testConfig, testRun, useWasm, train } from './helpers';

beforeAll(useWasm);

const head = { outputChannels: 1, outputActivation: 'sigmoid' as const };

test('3D U-Net [8,16] on generated blob volumes 16×32×32, 40 steps on wasm: IoU ≥ 0.8 on volumes it never saw', async () => {
  const spatial = [16, 32, 32];
  const config = testConfig(
    {
      problem: { type: 'semantic', ndim: 3 },
      system: { backend: 'wasm', seed: 1 },
      model: { feature_maps: [8, 16] },
      train: { epochs: 4, steps_per_epoch: 10, batch_size: 2, lr: 0.005, patience: 0 },
    },
    spatial,
  );
  const out = await train({ run: testRun(config), data: blobs.blobData({ seed: 1, spatial, train: 16, val: 4, batchSize: 2 }), head });
  const iou = await blobTestIoU(out.modelDir, spatial, 4);
  console.log(`3D U-Net test IoU ${iou.toFixed(4)}`);
  expect(iou).toBeGreaterThanOrEqual(0.8);
});
