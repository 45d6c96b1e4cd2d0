#!/usr/bin/env node
// The README's main job: train and predict a small instance-segmentation example on bundled real
// images (examples/data/nuclei2d-mini), then say where the results and metrics are.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
if (!fs.existsSync(bin)) {
  console.error('biaflow is not built yet: run `npm run build` first');
  process.exit(2);
}
const out = path.join(repo, 'runs/demo');
const started = Date.now();
const args = [bin, 'run', '--config', path.join(repo, 'examples/configs/demo-nuclei2d.yaml'), '--out', out, '--overwrite', ...process.argv.slice(2)];
console.log(`$ biaflow ${args.slice(1).map((a) => path.relative(repo, a) || a).join(' ')}\n`);
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: repo });
if (r.status !== 0) process.exit(r.status ?? 1);

const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
const at = metrics.overall.matching;
const f = (v) => (v === null ? 'n/a' : v.toFixed(3));
console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s. On 4 held-out images:`);
for (const t of Object.keys(at)) {
  console.log(`  IoU ≥ ${t}: F1 ${f(at[t].f1)}  precision ${f(at[t].precision)}  recall ${f(at[t].recall)}  (${at[t].tp} of ${at[t].n_true} nuclei matched)`);
}
console.log(`\nResults:  ${path.relative(repo, out)}/`);
console.log(`  predictions/   one label image per test image (open them in Fiji or napari)`);
console.log(`  objects.csv    one row per nucleus: area, centroid, bounding box`);
console.log(`  metrics.json   the figures above, per image and pooled`);
console.log(`  model/         the trained model: biaflow predict --model ${path.relative(repo, out)}/model --input <images>`);
