// Hold out part of the one annotated smFISH image (450×500, 230 spots) for an honest test: the
// image is cut into three vertical strips that never overlap — columns 0–287 train, 288–351
// validate (early stopping and the checkpoint choice), 352–499 test — and each strip gets the
// points inside it, shifted to its own coordinates. The strips are git-ignored outputs.
// Run from the repository root (after `npx tsc -b`):
//   node examples/splits/split-spots-smfish.mjs [shared data folder, default ../shared/data]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// The file functions live in the biaflow package since core was split (@biaflow/io underneath).
const core = createRequire(import.meta.url)(path.resolve(here, '../../packages/biaflow'));
const src = path.join(path.resolve(process.argv[2] ?? '../shared/data'), 'spots-smfish');
const out = path.join(here, 'spots-smfish');
const STRIPS = { train: [0, 288], val: [288, 352], test: [352, 500] };

const image = await core.readImage(path.join(src, 'images/smfish_crop500.png'));
const points = await core.readPoints(path.join(src, 'points/smfish_crop500.csv'));
const [H, W] = image.shape;
const n = points.coordinates.length / 2;
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, '.gitignore'), '# written by split-spots-smfish.mjs\n*\n');
for (const [split, [x0, x1]] of Object.entries(STRIPS)) {
  const w = Math.min(x1, W) - x0;
  const crop = new Uint8Array(H * w);
  for (let y = 0; y < H; y++) crop.set(image.data.subarray(y * W + x0, y * W + x0 + w), y * w);
  // A point belongs to the strip its rounded column falls in (core's data check rounds the same way).
  const rows = [];
  for (let i = 0; i < n; i++) {
    const x = points.coordinates[2 * i + 1] - x0;
    if (Math.round(x) >= 0 && Math.round(x) < w) rows.push(`${points.coordinates[2 * i]},${Math.round(x * 1000) / 1000}`);
  }
  for (const dir of ['images', 'points']) fs.mkdirSync(path.join(out, split, dir), { recursive: true });
  await core.writeImage(path.join(out, split, 'images', 'smfish.png'), { data: crop, shape: [H, w], axes: 'YX' });
  fs.writeFileSync(path.join(out, split, 'points', 'smfish.csv'), ['axis-0,axis-1', ...rows].join('\n') + '\n');
  console.log(`${split}: columns ${x0}-${x0 + w - 1}, ${rows.length} spots -> ${path.relative(process.cwd(), path.join(out, split))}`);
}
