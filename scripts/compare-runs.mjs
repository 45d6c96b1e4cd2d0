#!/usr/bin/env node
// Same results before and after a change: runs every example config for a few epochs at its fixed
// seed with the code of an earlier commit and with the working tree, then compares what the runs
// wrote, byte for byte:
//   - train_metrics.csv without its time column (the loss, validation loss and metrics of each epoch),
//   - every probability map (probabilities/*.tif) and every result file (predictions/*),
//   - metrics.json (and prints its main figures, so a run that scored nothing shows).
//
// The six example configs and the denoise example (a third-party workflow, on generated data).
//   node scripts/compare-runs.mjs --before <commit> [--epochs 2] [--only name,name] [--keep DIR] [--data DIR]
//
// The earlier commit is checked out as a git worktree under DIR (default .bench-tmp/compare), installed
// and built there; both sides read the same held-out splits (examples/splits, made from the shared data
// by examples/make-splits.mjs and examples/splits/split-*.mjs when missing). Exits 1 when a file differs.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const before = opt('before');
if (!before) {
  console.error('usage: node scripts/compare-runs.mjs --before <commit> [--epochs 2] [--only a,b] [--keep DIR] [--data DIR]');
  process.exit(2);
}
const epochs = Number(opt('epochs', '2'));
const only = opt('only')?.split(',');
const work = path.resolve(opt('keep', path.join(repo, '.bench-tmp', 'compare')));
const data = path.resolve(opt('data', path.join(repo, '..', 'shared', 'data')));

// Each example config, with what keeps it short: a few epochs, and no more than a few test images.
const CONFIGS = [
  { name: 'nuclei2d-dsb2018', sets: ['data.sampling.patches_per_epoch=64'] },
  { name: 'em-membrane-isbi2012', sets: [] },
  { name: 'nuclei3d-plantseg', sets: [] },
  { name: 'spots-smfish', sets: [] },
  { name: 'blood-cells-bccd', sets: [] },
  { name: 'demo-nuclei2d', sets: [] },
  // The third-party workflow (examples/plugin-denoise, Noise2Void): generated noisy scenes, a float image output.
  { name: 'denoise', sets: [], configFile: denoiseConfig },
].filter((c) => !only || only.includes(c.name));

/**
 * The denoise example's data, made once (the test's generator: soft disks on a gradient, Gaussian noise
 * σ 0.15, 4 training and 2 test images of 96×96, with the clean test images as ground truth), and a config
 * written inside `tree`, so its `plugins: [biaflow-plugin-denoise]` resolves to that tree's own copy.
 */
async function denoiseConfig(tree) {
  const data = path.join(work, 'denoise-data');
  if (!fs.existsSync(path.join(data, 'done'))) {
    const { writeImage } = await import(path.join(repo, 'packages', 'biaflow', 'dist', 'index.js'));
    let seed = 7;
    const uniform = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const normal = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
    const size = 96;
    const scene = () => {
      const img = new Float32Array(size * size);
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) img[y * size + x] = 0.15 + 0.15 * (x / size);
      for (let k = 0; k < 14; k++) {
        const cy = uniform() * size;
        const cx = uniform() * size;
        const radius = 4 + uniform() * 12;
        const value = 0.3 + 0.7 * uniform();
        for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
          const inside = 1 / (1 + Math.exp((Math.hypot(y - cy, x - cx) - radius) / 0.7));
          img[y * size + x] = img[y * size + x] * (1 - inside) + value * inside;
        }
      }
      return img;
    };
    for (const [set, n] of [['train', 4], ['test', 2]]) {
      for (let i = 0; i < n; i++) {
        const clean = scene();
        const noisy = clean.map((v) => v + 0.15 * normal());
        await writeImage(path.join(data, set, 'noisy', `${set}${i}.tif`), { data: noisy, shape: [size, size] });
        await writeImage(path.join(data, set, 'clean', `${set}${i}.tif`), { data: clean, shape: [size, size] });
      }
    }
    fs.writeFileSync(path.join(data, 'done'), '');
  }
  const dir = path.join(tree, '.bench-tmp', 'compare-denoise');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'denoise.yaml');
  fs.writeFileSync(file, `problem: { type: denoise, ndim: 2 }
plugins: [biaflow-plugin-denoise]
system: { backend: wasm, seed: 1 }
data:
  train: { images: ${data}/train/noisy }
  val: { split: 0.25 }
  test: { images: ${data}/test/noisy, labels: ${data}/test/clean }
  patch_size: [64, 64]
model: { feature_maps: [16, 32], normalization: none, activation: relu }
train: { epochs: 10, batch_size: 4, steps_per_epoch: 10, lr: 0.002, patience: 0, lr_schedule: { type: warmup_cosine, warmup_epochs: 1 } }
augment: { flip: { probability: 0.5 }, rot90: { probability: 0.5 } }
denoise: { masking: true, masked_fraction: 0.02 }
`);
  return file;
}

function sh(cmd, argv, cwd, { quiet = false } = {}) {
  const r = spawnSync(cmd, argv, { cwd, stdio: quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    throw new Error(`${cmd} ${argv.join(' ')} (in ${cwd}) exited ${r.status}`);
  }
  return r.stdout;
}

function makeSplits() {
  const splits = path.join(repo, 'examples', 'splits');
  if (!fs.existsSync(path.join(splits, 'dsb2018'))) sh('node', ['examples/make-splits.mjs', '--data', data], repo);
  if (!fs.existsSync(path.join(splits, 'spots-smfish'))) sh('node', ['examples/splits/split-spots-smfish.mjs', data], repo);
  if (!fs.existsSync(path.join(splits, 'blood-cells-bccd'))) sh('node', ['examples/splits/split-blood-cells-bccd.mjs', data], repo);
}

/** A built checkout of `commit`, its example splits pointing at this tree's. */
function checkout(commit) {
  const dir = path.join(work, 'before');
  const head = fs.existsSync(dir) ? sh('git', ['rev-parse', 'HEAD'], dir, { quiet: true }).trim() : '';
  const want = sh('git', ['rev-parse', commit], repo, { quiet: true }).trim();
  if (head !== want) {
    if (fs.existsSync(dir)) sh('git', ['worktree', 'remove', '--force', dir], repo);
    fs.mkdirSync(work, { recursive: true });
    sh('git', ['worktree', 'add', '--detach', dir, want], repo);
    sh('npm', ['ci', '--no-audit', '--no-fund'], dir);
    sh('npx', ['tsc', '-b'], dir);
  }
  const splits = path.join(dir, 'examples', 'splits');
  fs.mkdirSync(splits, { recursive: true });
  for (const name of fs.readdirSync(path.join(repo, 'examples', 'splits'))) {
    const link = path.join(splits, name);
    if (!fs.existsSync(link) && fs.statSync(path.join(repo, 'examples', 'splits', name)).isDirectory()) {
      fs.symlinkSync(path.join(repo, 'examples', 'splits', name), link);
    }
  }
  return dir;
}

async function run(tree, side, config) {
  const out = path.join(work, side, config.name);
  // The earlier commit's runs are kept between invocations (they cannot change); the working tree's never.
  if (side === 'before' && fs.existsSync(path.join(out, 'metrics.json'))) return out;
  fs.rmSync(out, { recursive: true, force: true });
  // The command's home moved from @biaflow/core to the biaflow package when core was split: either side may be before.
  const bin = [path.join(tree, 'packages', 'biaflow', 'bin', 'biaflow.js'), path.join(tree, 'packages', 'core', 'bin', 'biaflow.js')].find((f) => fs.existsSync(f));
  const configFile = config.configFile ? await config.configFile(tree) : path.join(tree, 'examples', 'configs', `${config.name}.yaml`);
  const argv = [bin, 'run', '--config', configFile, '--out', out,
    '--set', `train.epochs=${epochs}`, ...config.sets.flatMap((s) => ['--set', s]), '--log-level', 'warn'];
  const started = Date.now();
  sh('node', argv, tree);
  console.log(`  ${side}: ${config.name} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return out;
}

/** Every file a comparison covers, relative to the run folder. */
function comparedFiles(dir) {
  const files = ['metrics.json', 'train_metrics.csv'];
  for (const sub of ['probabilities', 'predictions']) {
    const d = path.join(dir, sub);
    if (fs.existsSync(d)) for (const f of fs.readdirSync(d).sort()) files.push(path.join(sub, f));
  }
  return files.filter((f) => fs.existsSync(path.join(dir, f)));
}

/** train_metrics.csv without the columns that measure time. */
function withoutTime(csv) {
  const lines = csv.trim().split('\n').map((l) => l.split(','));
  const keep = lines[0].map((h, i) => (/(^|_)(time|seconds|duration)(_|$)/i.test(h) ? -1 : i)).filter((i) => i >= 0);
  return lines.map((cells) => keep.map((i) => cells[i]).join(',')).join('\n');
}

function mainFigures(metrics) {
  const o = metrics.overall ?? {};
  const pick = [o.matching?.['0.5']?.f1, o.f1, o.accuracy, o.foreground_iou, o.iou?.foreground, o.psnr];
  const named = { 'F1@0.5': o.matching?.['0.5']?.f1, f1: o.f1, accuracy: o.accuracy, foreground_iou: o.foreground_iou, psnr: o.psnr, ssim: o.ssim };
  return Object.entries(named).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ') || JSON.stringify(pick);
}

makeSplits();
const beforeTree = checkout(before);
let differences = 0;
for (const config of CONFIGS) {
  console.log(`${config.name} (${epochs} epochs):`);
  const a = await run(beforeTree, 'before', config);
  const b = await run(repo, 'after', config);
  const files = [...new Set([...comparedFiles(a), ...comparedFiles(b)])];
  const differ = [];
  for (const f of files) {
    const pa = path.join(a, f);
    const pb = path.join(b, f);
    if (!fs.existsSync(pa) || !fs.existsSync(pb)) {
      differ.push(`${f} only ${fs.existsSync(pa) ? 'before' : 'after'}`);
      continue;
    }
    const same = f === 'train_metrics.csv'
      ? withoutTime(fs.readFileSync(pa, 'utf8')) === withoutTime(fs.readFileSync(pb, 'utf8'))
      : Buffer.compare(fs.readFileSync(pa), fs.readFileSync(pb)) === 0;
    if (!same) differ.push(f);
  }
  const metrics = JSON.parse(fs.readFileSync(path.join(b, 'metrics.json'), 'utf8'));
  console.log(`  ${files.length} files compared: ${differ.length ? `DIFFER: ${differ.join(', ')}` : 'byte-identical'}; ${mainFigures(metrics)}`);
  differences += differ.length;
}
console.log(differences ? `${differences} file(s) differ` : 'every compared file is byte-identical');
process.exit(differences ? 1 : 0);
