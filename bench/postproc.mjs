// Post-processing benchmark: biaflow vs scipy / scikit-image on identical seeded data.
//
// Random ellipses covering about a quarter of a 2048×2048 image, and ellipsoids covering about a
// quarter of a 128×512×512 volume, are generated here (seeded), written raw to a temporary folder,
// and timed on both sides: distanceTransform, label, watershed, voronoi and matchingStats against
// scipy's distance_transform_edt, skimage.measure.label, skimage.segmentation.watershed, scipy's EDT
// with return_indices, and StarDist's matching written with numpy + linear_sum_assignment
// (bench/postproc_peer.py). Both outputs are compared so the times are for the same work.
// Times are medians of a few runs (after one untimed warm-up run per side). The last ten lines are `RATIO <op>-<2d|3d> <biaflow/python>`.
//
// Usage: npm run bench:postproc  (build first: npx tsc -b). Node runs as a user's biaflow does, with plain
// pages; BENCH_POSTPROC_HUGEPAGES=1 adds glibc's huge-page tunable (see HUGEPAGES below). Python: $BIAFLOW_PYTHON, else /usr/bin/python3 or python3,
// with numpy, scipy and scikit-image (apt-get install -y python3-skimage). Exits 1 without them.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import vm from 'node:vm';

const here = path.dirname(fileURLToPath(import.meta.url));

// numpy asks the kernel for transparent huge pages on its large arrays (madvise), so the Python side
// pays few page faults and TLB misses on fresh outputs. Node cannot madvise from JavaScript, but
// glibc can do the same for every large allocation when started with this tunable. The ratios are
// measured without it by default, because that is what a user's `biaflow` gets;
// BENCH_POSTPROC_HUGEPAGES=1 restarts the bench with it, to see what the memory policy alone is worth.
const HUGEPAGES = 'glibc.malloc.hugetlb=1';
if (process.env.BENCH_POSTPROC_HUGEPAGES === '1' && !(process.env.GLIBC_TUNABLES ?? '').includes(HUGEPAGES)) {
  const tunables = [process.env.GLIBC_TUNABLES, HUGEPAGES].filter(Boolean).join(':');
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, GLIBC_TUNABLES: tunables, BENCH_POSTPROC_PYTHON_TUNABLES: process.env.GLIBC_TUNABLES ?? '' },
  });
  process.exit(r.status ?? 1);
}
const require = createRequire(import.meta.url);
const pp = require(path.join(here, '../packages/image/dist/index.js'));
// The Debian interpreter first: `apt-get install python3-skimage` installs there, while a python3
// earlier on PATH (pyenv, venv) often lacks scikit-image.
const PYTHONS = process.env.BIAFLOW_PYTHON ? [process.env.BIAFLOW_PYTHON] : ['/usr/bin/python3', 'python3'];
let python = PYTHONS[0];
const THRESHOLDS = [0.3, 0.5, 0.75];
const OPS = (process.env.BENCH_POSTPROC_OPS || 'edt,label,watershed,voronoi,matching').split(',');

function checkPython() {
  const errors = [];
  for (const candidate of PYTHONS) {
    const r = spawnSync(candidate, ['-c', 'import numpy, scipy, skimage; print(skimage.__version__, scipy.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) {
      python = candidate;
      return r.stdout.trim();
    }
    errors.push(`${candidate}: ${(r.stderr || String(r.error ?? '')).trim().split('\n').pop()}`);
  }
  console.error(`bench:postproc needs a Python peer with numpy, scipy and scikit-image; none found:\n  ${errors.join('\n  ')}`);
  console.error('Install it (apt-get install -y python3-skimage) or point BIAFLOW_PYTHON at a python that has it.');
  process.exit(1);
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Paint an axis-aligned ellipsoid with `value` (later ones overwrite); returns newly covered voxels. */
function paint(labels, [Z, Y, X], [cz, cy, cx], [rz, ry, rx], value) {
  let added = 0;
  const z0 = Math.max(0, Math.ceil(cz - rz)), z1 = Math.min(Z - 1, Math.floor(cz + rz));
  const y0 = Math.max(0, Math.ceil(cy - ry)), y1 = Math.min(Y - 1, Math.floor(cy + ry));
  const x0 = Math.max(0, Math.ceil(cx - rx)), x1 = Math.min(X - 1, Math.floor(cx + rx));
  for (let z = z0; z <= z1; z++) {
    const dz = Z === 1 ? 0 : ((z - cz) / rz) ** 2;
    for (let y = y0; y <= y1; y++) {
      const dzy = dz + ((y - cy) / ry) ** 2;
      if (dzy > 1) continue;
      const row = (z * Y + y) * X;
      for (let x = x0; x <= x1; x++) {
        if (dzy + ((x - cx) / rx) ** 2 > 1) continue;
        if (labels[row + x] === 0) added++;
        labels[row + x] = value;
      }
    }
  }
  return added;
}

/** Ground truth, a perturbed prediction, markers at the centres: everything both sides need. */
function makeData(shape, seed) {
  const [Z, Y, X] = shape.length === 3 ? shape : [1, ...shape];
  const n = Z * Y * X;
  const rand = mulberry32(seed);
  const radius = () => (Z === 1 ? [1, 8 + 20 * rand(), 8 + 20 * rand()] : [4 + 6 * rand(), 8 + 14 * rand(), 8 + 14 * rand()]);
  const gt = new Int32Array(n);
  const objects = [];
  let covered = 0;
  while (covered < 0.25 * n) {
    const c = [Z === 1 ? 0 : rand() * Z, rand() * Y, rand() * X];
    const r = radius();
    objects.push({ c, r });
    covered += paint(gt, [Z, Y, X], c, r, objects.length);
  }
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = gt[i] !== 0 ? 1 : 0;

  // Prediction: each object jittered (3 px, ±15 % radii), 5 % missed, 5 % spurious, labels offset.
  const pred = new Int32Array(n);
  const jitter = () => (rand() - 0.5) * 6;
  objects.forEach(({ c, r }, k) => {
    if (rand() < 0.05) return;
    const c2 = [Z === 1 ? 0 : c[0] + jitter() / 2, c[1] + jitter(), c[2] + jitter()];
    const r2 = r.map((v, a) => (Z === 1 && a === 0 ? v : v * (0.85 + 0.3 * rand())));
    paint(pred, [Z, Y, X], c2, r2, 1000 + k);
  });
  const extra = Math.round(objects.length * 0.05);
  for (let k = 0; k < extra; k++) paint(pred, [Z, Y, X], [Z === 1 ? 0 : rand() * Z, rand() * Y, rand() * X], radius(), 100000 + k);

  // Markers: the centre voxel of every object that still owns it.
  const markers = new Int32Array(n);
  objects.forEach(({ c }, k) => {
    const i = (Math.round(c[0]) * Y + Math.round(c[1])) * X + Math.round(c[2]);
    if (i < n && gt[i] === k + 1) markers[i] = k + 1;
  });
  return { gt, pred, mask, markers, objects: objects.length };
}

/** Python runs with the environment it was given, without the tunable added for Node. */
function pythonEnv() {
  const env = { ...process.env };
  if ('BENCH_POSTPROC_PYTHON_TUNABLES' in env) {
    if (env.BENCH_POSTPROC_PYTHON_TUNABLES) env.GLIBC_TUNABLES = env.BENCH_POSTPROC_PYTHON_TUNABLES;
    else delete env.GLIBC_TUNABLES;
    delete env.BENCH_POSTPROC_PYTHON_TUNABLES;
  }
  return env;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Collect the previous run's garbage before each timed run, as CPython frees it by reference counting.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

function time(repeats, warmup, fn) {
  for (let r = 0; r < warmup; r++) fn();
  const times = [];
  let result;
  for (let r = 0; r < repeats; r++) {
    result = undefined;
    gc();
    const t0 = performance.now();
    result = fn();
    times.push((performance.now() - t0) / 1000);
  }
  return { times, result };
}

function readRaw(file, Ctor) {
  const buf = fs.readFileSync(file);
  return new Ctor(buf.buffer, buf.byteOffset, buf.byteLength / Ctor.BYTES_PER_ELEMENT);
}

function agreement(a, b, within) {
  let total = 0;
  let equal = 0;
  for (let i = 0; i < a.length; i++) {
    if (within && within[i] === 0) continue;
    total++;
    if (a[i] === b[i]) equal++;
  }
  return total ? equal / total : 1;
}

/**
 * One size: make the data, time both sides, compare their outputs. `warmup` untimed runs per
 * operation on each side come first (the 2D pass warms the JIT for the 3D one, which uses the same code).
 */
function runSize(tag, shape, repeats, warmup, dir) {
  const t0 = performance.now();
  const data = makeData(shape, tag === '2d' ? 2024 : 3031);
  const edtInput = pp.distanceTransform({ data: data.mask, shape });
  const image = new Float32Array(edtInput.data.length);
  for (let i = 0; i < image.length; i++) image[i] = -edtInput.data[i];
  console.log(`${tag}: shape [${shape}], ${data.objects} objects, foreground ${(data.mask.reduce((a, b) => a + b, 0) / data.mask.length * 100).toFixed(1)} %, data made in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const inputs = { mask: [data.mask, 'uint8'], gt: [data.gt, 'int32'], pred: [data.pred, 'int32'], markers: [data.markers, 'int32'], image: [image, 'float32'] };
  const job = { inputs: {}, ops: [] };
  for (const [name, [arr, dtype]] of Object.entries(inputs)) {
    const file = path.join(dir, `${tag}-${name}.raw`);
    fs.writeFileSync(file, Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
    job.inputs[name] = { file, dtype, shape };
  }
  const img = (a) => ({ data: a, shape });
  const ops = [
    { kind: 'edt', args: ['mask'], out_dtype: 'float32', run: () => pp.distanceTransform(img(data.mask)) },
    { kind: 'label', args: ['mask'], out_dtype: 'int32', run: () => pp.label(img(data.mask)) },
    { kind: 'watershed', args: ['image', 'markers', 'mask'], out_dtype: 'int32', run: () => pp.watershed(img(image), img(data.markers), img(data.mask), { connectivity: 1 }) },
    { kind: 'voronoi', args: ['markers', 'mask'], out_dtype: 'int32', run: () => pp.voronoi(img(data.markers), img(data.mask)) },
    { kind: 'matching', args: ['gt', 'pred'], thresholds: THRESHOLDS, run: () => pp.matchingStats(img(data.gt), img(data.pred), { thresholds: THRESHOLDS }) },
  ];
  const ours = {};
  for (const op of ops.filter((o) => OPS.includes(o.kind))) {
    const name = `${op.kind}-${tag}`;
    const { times, result } = time(repeats, warmup, op.run);
    ours[name] = { times, result };
    console.log(`  biaflow ${name.padEnd(13)} median ${median(times).toFixed(3)} s  (${times.map((t) => t.toFixed(3)).join(', ')})`);
    job.ops.push({ name, kind: op.kind, args: op.args, repeats, warmup, out: path.join(dir, `${name}.out`), out_dtype: op.out_dtype, thresholds: op.thresholds });
  }
  const jobFile = path.join(dir, `${tag}-job.json`);
  fs.writeFileSync(jobFile, JSON.stringify(job));
  const r = spawnSync(python, [path.join(here, 'postproc_peer.py'), jobFile], { encoding: 'utf8', maxBuffer: 1 << 24, env: pythonEnv() });
  if (r.status !== 0) {
    console.error(`python peer failed:\n${r.stderr}`);
    process.exit(1);
  }
  const theirs = JSON.parse(r.stdout.trim().split('\n').pop());

  const ratios = {};
  for (const op of job.ops) {
    const mine = ours[op.name];
    const py = theirs[op.name];
    let check;
    if (op.kind === 'edt') {
      const other = readRaw(op.out, Float32Array);
      let maxDiff = 0;
      for (let i = 0; i < other.length; i++) maxDiff = Math.max(maxDiff, Math.abs(other[i] - mine.result.data[i]));
      check = `max |Δ| ${maxDiff.toExponential(1)}`;
      if (maxDiff > 1e-3) throw new Error(`${op.name}: outputs differ (max ${maxDiff})`);
    } else if (op.kind === 'matching') {
      const other = JSON.parse(fs.readFileSync(op.out, 'utf8'));
      let maxDiff = 0;
      for (const t of Object.keys(other)) {
        for (const [k, v] of Object.entries(other[t])) {
          const d = Math.abs(v - mine.result[t][k]);
          if (['tp', 'fp', 'fn', 'n_true', 'n_pred'].includes(k) ? d !== 0 : d > 1e-9) throw new Error(`${op.name}: ${t}.${k} ${mine.result[t][k]} vs ${v}`);
          maxDiff = Math.max(maxDiff, d);
        }
      }
      check = `tp@0.5 ${mine.result['0.5'].tp}/${mine.result['0.5'].n_true}, same stats (max |Δ| ${maxDiff.toExponential(1)})`;
    } else {
      const other = readRaw(op.out, Int32Array);
      const within = op.kind === 'voronoi' || op.kind === 'watershed' ? data.mask : null;
      const agree = agreement(mine.result.data, other, within);
      check = `${(agree * 100).toFixed(3)} % ${within ? 'of mask voxels' : 'of voxels'} equal`;
      const floor = op.kind === 'voronoi' ? 0.99 : op.kind === 'watershed' ? 0.995 : 1;
      if (agree < floor) throw new Error(`${op.name}: only ${(agree * 100).toFixed(3)} % equal`);
    }
    ratios[op.name] = median(mine.times) / median(py);
    console.log(`  python  ${op.name.padEnd(13)} median ${median(py).toFixed(3)} s  (${py.map((t) => t.toFixed(3)).join(', ')});  ${check}`);
  }
  return ratios;
}

const versions = checkPython();
console.log(`python peer: scikit-image ${versions.split(' ')[0]}, scipy ${versions.split(' ')[1]}; node ${process.version}`);
console.log(`node memory: ${(process.env.GLIBC_TUNABLES ?? '').includes(HUGEPAGES) ? `GLIBC_TUNABLES=${HUGEPAGES} (huge pages, like numpy)` : 'plain 4 KiB pages (as biaflow runs; BENCH_POSTPROC_HUGEPAGES=1 for huge pages)'}`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-bench-postproc-'));
try {
  // BENCH_POSTPROC_SIZES=2d / BENCH_POSTPROC_OPS=label,voronoi run a subset (a quick look while developing).
  const sizes = (process.env.BENCH_POSTPROC_SIZES || '2d,3d').split(',');
  const ratios = {};
  if (sizes.includes('2d')) Object.assign(ratios, runSize('2d', [2048, 2048], 5, 1, dir));
  if (sizes.includes('3d')) Object.assign(ratios, runSize('3d', [128, 512, 512], 3, sizes.includes('2d') ? 0 : 1, dir));
  for (const op of OPS) {
    for (const tag of sizes) console.log(`RATIO ${op}-${tag} ${ratios[`${op}-${tag}`].toFixed(3)}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
