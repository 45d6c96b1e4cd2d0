// Tiled prediction of a large image: memory must be bounded by the tile batch, not the image.
//
//   npm run bench:tiles [-- --size 4096 --patch 256 --overlap 0.25 --batch 4 --backend auto]
//
// Predicts a SIZE×SIZE uint16 image with the engine's default 2D U-Net (untrained weights),
// normalizing per image as training would, and ends with `PEAK_RSS_MB <n>` (process.resourceUsage().maxRSS). The bound is 2048 MB.
import { performance } from 'node:perf_hooks';
import engine from '@biaflow/engine-tfjs/internals';
import imageFunctions from '@biaflow/image';

const core = { ...engine, ...imageFunctions };

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const SIZE = Number(args.size ?? 4096);
const PATCH = Number(args.patch ?? 256);
const OVERLAP = Number(args.overlap ?? 0.25);
const BATCH = Number(args.batch ?? 4);
const BACKEND = args.backend ?? 'auto';

const tf = core.loadTf();
const backend = await core.selectBackend(tf, BACKEND);

// The default 2D U-Net of the engine (feature maps [16, 32, 64, 128, 256], batch norm, ELU), untrained.
const model = core.buildModel({ ndim: 2, inputChannels: 1, outputChannels: 1, outputActivation: 'sigmoid' }, tf);
// A synthetic microscopy-like image: smooth background, bright spots, shot-like texture.
const image = new Uint16Array(SIZE * SIZE);
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const spot = ((x % 97) - 48) ** 2 + ((y % 89) - 44) ** 2 < 400 ? 20000 : 0;
    image[y * SIZE + x] = 1000 + ((x * 7 + y * 13) % 500) + spot + ((x * 2654435761 + y * 40503) % 997);
  }
}
const normalization = { version: 1, method: 'zscore', scope: 'image', percentiles: [1, 99.8] };
const plan = core.planTiles([SIZE, SIZE], { patchSize: [PATCH, PATCH], overlap: OVERLAP });
const tiles = plan[0].starts.length * plan[1].starts.length;
console.log(`image ${SIZE}×${SIZE} uint16, patch ${PATCH}, overlap ${OVERLAP}, batch ${BATCH}, ${tiles} tiles, backend ${backend.name}, default U-Net (${model.countParams()} parameters)`);

const t0 = performance.now();
let lastReport = t0;
const out = await core.predictImage({ data: image, shape: [SIZE, SIZE, 1] }, core.tfPredictor(tf, model), {
  patchSize: [PATCH, PATCH],
  overlap: OVERLAP,
  batchSize: BATCH,
  normalization,
  onProgress(done, total) {
    const now = performance.now();
    if (now - lastReport > 10000 || done === total) {
      lastReport = now;
      const rss = Math.round(process.memoryUsage().rss / 1048576);
      console.log(`  ${done}/${total} tiles, ${((now - t0) / 1000).toFixed(0)} s, rss ${rss} MB, tensors ${tf.memory().numTensors}`);
    }
  },
});
const seconds = (performance.now() - t0) / 1000;
let min = Infinity;
let max = -Infinity;
for (const v of out.data) {
  if (v < min) min = v;
  if (v > max) max = v;
}
console.log(`output [${out.shape.join(', ')}] float32, values ${min.toFixed(3)}..${max.toFixed(3)}`);
console.log(`time ${seconds.toFixed(1)} s (${(tiles / seconds).toFixed(2)} tiles/s; machine shared, timings noisy)`);
console.log(`PEAK_RSS_MB ${Math.round(process.resourceUsage().maxRSS / 1024)}`);
