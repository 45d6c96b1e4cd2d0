#!/usr/bin/env node
// Trains the pretrained nuclei model and copies it into this package.
//
//   node packages/model-nuclei2d/scripts/train.mjs --out RUN [--data DIR] [--resume]
//
// 1. makes the split (scripts/split.mjs), 2. runs `biaflow run --config train.yaml --out RUN` (training,
// threshold tuning on the validation images, prediction and metrics on the held-out tenth), resumable with
// --resume after an interruption, 3. copies RUN/model into model/ and RUN/metrics.json into
// heldout-metrics.json. Build first (`npm run build` at the repository root).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkg = path.resolve(here, '..');
const repo = path.resolve(pkg, '..', '..');
const args = process.argv.slice(2);
const value = (flag) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const out = value('--out');
if (!out) {
  console.error('train: --out RUN is required (the run folder)');
  process.exit(2);
}
const data = value('--data');
const run = (argv) => {
  const r = spawnSync(process.execPath, argv, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run([path.join(here, 'split.mjs'), ...(data ? ['--data', data] : [])]);
const started = Date.now();
run([path.join(repo, 'packages', 'biaflow', 'dist', 'bin.js'), 'run', '--config', path.join(pkg, 'train.yaml'), '--out', path.resolve(out), ...(args.includes('--resume') ? ['--resume'] : [])]);
console.log(`train: this invocation took ${((Date.now() - started) / 60000).toFixed(1)} min (the run's log.jsonl has the epochs' times)`);
const model = path.join(pkg, 'model');
fs.rmSync(model, { recursive: true, force: true });
fs.cpSync(path.join(path.resolve(out), 'model'), model, { recursive: true });
fs.copyFileSync(path.join(path.resolve(out), 'metrics.json'), path.join(pkg, 'heldout-metrics.json'));
console.log(`train: copied the model into ${path.relative(process.cwd(), model)}`);
