// Training-step and prediction speed of biaflow's backend against PyTorch on the same U-Net, and
// prediction through ONNX Runtime (biaflow's ONNX export, @biaflow/engine-onnx) against PyTorch.
//
//   npm run bench:train [-- --steps N --warmup N --only 2d|3d --threads N|auto --backend wasm|cpu|auto --profile]
//
// Both sides build the U-Net of issue 7: 3 levels, two 3×3(×3) convolutions + ReLU per level, 2×2(×2)
// max-pooling down, 2×2(×2) stride-2 transposed convolutions up, skip concatenations, a 1×1 convolution
// with sigmoid, Adam, binary cross-entropy. 2D: batch 8 of 128×128×1, 16 base filters. 3D: batch 2 of
// 32×64×64×1, 8 base filters. Times are medians over --steps runs after --warmup runs; PyTorch (a server
// process) and biaflow are timed in turns, so on a shared machine both see the same load.
//
// Threads: every row compares equal thread counts. PyTorch runs at N threads (OMP_NUM_THREADS=N,
// torch.set_num_threads(N); its default here would be one), N = --threads, 2 when auto. `train-step-*` and
// `predict-*` time biaflow's tfjs backend at the same N (wasm with N threads; the bench stops when the
// backend runs another count); `predict-*-onnx` the same network built by biaflow (`unet`, no
// normalization, ReLU, transposed-convolution upsampling), exported to ONNX and run by ONNX Runtime
// (intraOpNumThreads = N, channels-last batch in and out, the layout transposes included).
// Ends with `RATIO <name> <biaflow time / PyTorch time>` lines; exits 1 when PyTorch is missing.
// `--profile` prints a per-kernel profile (tf.profile) of one 2D (and 3D) training step.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const a = { steps: 7, warmup: 2, only: null, threads: 'auto', backend: 'wasm', profile: false, torch: true };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--profile') a.profile = true;
    else if (k === '--no-torch') a.torch = false;
    else if (['--steps', '--warmup'].includes(k)) a[k.slice(2)] = Number(argv[++i]);
    else if (['--only', '--threads', '--backend'].includes(k)) a[k.slice(2)] = argv[++i];
    else {
      console.error(`unknown argument ${k}`);
      process.exit(2);
    }
  }
  if (a.threads !== 'auto') a.threads = Number(a.threads);
  return a;
}

const args = parseArgs(process.argv.slice(2));

// PyTorch runs as a server process and is timed in turns with biaflow, so both see the same load
// on a shared machine. A missing PyTorch fails here, before minutes of tfjs work.
const PYTHON = process.env.BIAFLOW_BENCH_PYTHON ?? '/usr/bin/python3';

function startTorch(threads) {
  const extra = threads ? ['--threads', String(threads)] : [];
  const env = threads ? { ...process.env, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) } : process.env;
  const child = spawn(PYTHON, [path.join(here, 'train_step_torch.py'), '--serve', ...extra], { stdio: ['pipe', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => {}); // a dead child is reported through 'exit'
  const lines = createInterface({ input: child.stdout });
  const waiting = [];
  lines.on('line', (line) => waiting.shift()?.resolve(JSON.parse(line)));
  const failed = new Promise((_, reject) => {
    child.on('error', (e) => reject(e));
    child.on('exit', (code) => reject(new Error(`exited with code ${code}: ${stderr.trim().split('\n').pop()}`)));
  });
  failed.catch(() => {});
  return {
    ask(cmd) {
      const answer = new Promise((resolve, reject) => waiting.push({ resolve, reject }));
      child.stdin.write(`${JSON.stringify(cmd)}\n`);
      return Promise.race([answer, failed]);
    },
    close() {
      child.stdin.end();
    },
  };
}

// One thread count for every side of every row.
const threads = args.threads === 'auto' ? 2 : args.threads;
let torch = null;
if (args.torch) {
  try {
    torch = startTorch(threads);
    const info = await torch.ask({ op: 'info' });
    console.log(`PyTorch ${info.torch}, ${info.threads} thread(s)`);
    if (info.threads !== threads) throw new Error(`it runs ${info.threads} threads, not ${threads}`);
  } catch (e) {
    console.error(`PyTorch is needed for the comparison (${PYTHON} with torch, ${threads} threads): ${e.message}`);
    process.exit(1);
  }
}

for (const pkg of ['core', 'engine-onnx']) {
  if (!existsSync(path.join(here, '..', 'packages', pkg, 'dist', 'index.js'))) {
    console.error(`packages/${pkg} is not built: run \`npx tsc -b\` first`);
    process.exit(2);
  }
}
const core = require('@biaflow/engine-tfjs/internals');
const engineOnnx = require('@biaflow/engine-onnx');
const tf = core.loadTf();
const selected = await core.selectBackend(tf, args.backend, undefined, { threads });
console.log(`biaflow backend ${selected.name} (${selected.reason})${selected.threads ? `, ${selected.threads} thread(s)` : ''}`);
if (torch && (selected.threads ?? 1) !== threads) {
  console.error(`biaflow's backend runs ${selected.threads ?? 1} thread(s), PyTorch ${threads}: the ratios would not compare equal threads (pass --threads ${selected.threads ?? 1})`);
  process.exit(1);
}

/** The issue's U-Net with tf.layers, 2D or 3D. */
function unet(dims, inputShape, base) {
  const L = tf.layers;
  const conv = dims === 2 ? L.conv2d : L.conv3d;
  const up = dims === 2 ? L.conv2dTranspose : L.conv3dTranspose;
  const pool = dims === 2 ? L.maxPooling2d : L.maxPooling3d;
  const block = (x, f) => {
    x = conv({ filters: f, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
    return conv({ filters: f, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  };
  const f = [base, base * 2, base * 4];
  const input = tf.input({ shape: inputShape });
  const e0 = block(input, f[0]);
  const e1 = block(pool({ poolSize: 2 }).apply(e0), f[1]);
  const b = block(pool({ poolSize: 2 }).apply(e1), f[2]);
  const d1 = block(L.concatenate().apply([up({ filters: f[1], kernelSize: 2, strides: 2 }).apply(b), e1]), f[1]);
  const d0 = block(L.concatenate().apply([up({ filters: f[0], kernelSize: 2, strides: 2 }).apply(d1), e0]), f[0]);
  const out = conv({ filters: 1, kernelSize: 1, activation: 'sigmoid' }).apply(d0);
  const model = tf.model({ inputs: input, outputs: out });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'binaryCrossentropy' });
  return model;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Medians of `ours` and of PyTorch's `op`, timed in turns (ours, PyTorch, ours, ...) after
 * `warmup` runs of each.
 */
async function timeInTurns(ours, op, peer = torch) {
  for (let i = 0; i < args.warmup; i++) {
    await ours();
    if (peer) await peer.ask({ op });
  }
  const mine = [];
  const theirs = [];
  for (let i = 0; i < args.steps; i++) {
    const t = performance.now();
    await ours();
    mine.push((performance.now() - t) / 1000);
    if (peer) theirs.push((await peer.ask({ op })).seconds);
  }
  return { ours: median(mine), torch: peer ? median(theirs) : null };
}

async function profileStep(label, step) {
  const info = await tf.profile(step);
  const byKernel = new Map();
  for (const k of info.kernels) {
    if (k.name.endsWith('__op')) continue; // an op's scope, whose kernels are listed themselves
    const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    e.calls++;
    byKernel.set(k.name, e);
  }
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, e]) => s + e.ms, 0);
  console.log(`\nprofile of one ${label} (kernel time ${total.toFixed(0)} ms):`);
  console.log('| kernel | calls | ms | share |');
  console.log('|---|---:|---:|---:|');
  for (const [name, e] of rows) {
    if (e.ms < 0.5) continue;
    console.log(`| ${name} | ${e.calls} | ${e.ms.toFixed(1)} | ${((100 * e.ms) / total).toFixed(1)}% |`);
  }
}

async function bench(dims) {
  const [shape, base] = dims === 2 ? [[8, 128, 128, 1], 16] : [[2, 32, 64, 64, 1], 8];
  const model = unet(dims, shape.slice(1), base);
  const n = shape.reduce((a, b) => a * b, 1);
  // Deterministic inputs: a smooth image and a thresholded target.
  const xData = new Float32Array(n);
  const yData = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xData[i] = 0.5 + 0.5 * Math.sin(i * 0.7 + Math.cos(i * 0.013));
    yData[i] = xData[i] > 0.5 ? 1 : 0;
  }
  const x = tf.tensor(xData, shape);
  const y = tf.tensor(yData, shape);
  if (torch) await torch.ask({ op: 'setup', dims });
  const train = () => model.trainOnBatch(x, y);
  const predict = async () => {
    const p = model.predict(x);
    await p.data();
    p.dispose();
  };
  const tTrain = await timeInTurns(train, 'train');
  const tPredict = await timeInTurns(predict, 'predict');
  if (args.profile) {
    await profileStep(`${dims}D training step`, () => model.trainOnBatch(x, y));
    await profileStep(`${dims}D prediction`, () => tf.tidy(() => model.predict(x)));
  }
  tf.dispose([x, y]);
  model.dispose();
  return { [`train-step-${dims}d`]: tTrain, [`predict-${dims}d`]: tPredict };
}

/** Deterministic channels-last input of the benchmark's batch shape. */
function benchInput(shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = 0.5 + 0.5 * Math.sin(i * 0.7 + Math.cos(i * 0.013));
  return { data, shape };
}

/** Prediction of the issue's U-Net, built by biaflow and exported to ONNX, in ONNX Runtime vs PyTorch at equal threads. */
async function benchOnnx(dims) {
  const [shape, base] = dims === 2 ? [[8, 128, 128, 1], 16] : [[2, 32, 64, 64, 1], 8];
  const model = core.buildModel({
    architecture: 'unet',
    ndim: dims,
    inputChannels: 1,
    outputChannels: 1,
    outputActivation: 'sigmoid',
    featureMaps: [base, base * 2, base * 4],
    normalization: 'none',
    activation: 'relu',
    kernelSize: 3,
    upsampling: 'transpose',
  });
  const onnx = engineOnnx.exportOnnx(model);
  model.dispose();
  const predictor = await engineOnnx.createOnnxPredictor(onnx, { threads: threads });
  const batch = benchInput(shape);
  if (torch) await torch.ask({ op: 'setup', dims });
  const t = await timeInTurns(() => predictor.predict(batch), 'predict', torch);
  await predictor.dispose();
  return { [`predict-${dims}d-onnx`]: t };
}

const load0 = os.loadavg()[0];
const results = {};
if (args.only !== '3d') Object.assign(results, await bench(2));
if (args.only !== '2d') Object.assign(results, await bench(3));
if (args.only !== '3d') Object.assign(results, await benchOnnx(2));
if (args.only !== '2d') Object.assign(results, await benchOnnx(3));
torch?.close();

console.log(`\nmedians in seconds over ${args.steps} runs after ${args.warmup} warm-up runs, biaflow and PyTorch in turns;`);
console.log(`${os.availableParallelism()} cores, load average ${load0.toFixed(1)} at start, ${os.loadavg()[0].toFixed(1)} at end`);
console.log(`every row at ${threads} thread(s): PyTorch, biaflow's ${selected.name} backend, ONNX Runtime ${require('onnxruntime-node/package.json').version} (*-onnx rows)`);
console.log('| measure | biaflow | PyTorch | ratio |');
console.log('|---|---:|---:|---:|');
for (const [k, v] of Object.entries(results)) {
  const ratio = v.torch ? (v.ours / v.torch).toFixed(2) : '-';
  console.log(`| ${k} | ${v.ours.toFixed(3)} | ${v.torch ? v.torch.toFixed(3) : '-'} | ${ratio} |`);
}
console.log('');
if (torch) for (const [k, v] of Object.entries(results)) console.log(`RATIO ${k} ${(v.ours / v.torch).toFixed(2)}`);
