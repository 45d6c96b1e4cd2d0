// Image I/O throughput: biaflow's reader/writer against tifffile (Python) on the same files.
// Prints times and ratios; timings on a shared machine are noisy (run on a quiet one to compare).
// Usage: npm run build && node bench/io.mjs [data-folder]   (default ../shared/data beside the repo)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { readImageSync, writeImageSync, listImageFiles } = require('../packages/io/dist/index.js');

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// shared/ sits beside the main checkout (../shared) or beside the worktrees folder (../../shared).
const dataRoot = process.argv[2] ?? [path.join(repo, '..', 'shared', 'data'), path.join(repo, '..', '..', 'shared', 'data')].find((d) => fs.existsSync(d));
const PY = '/usr/bin/python3';
const hasPy = spawnSync(PY, ['-c', 'import tifffile, PIL, numpy'], { encoding: 'utf8' }).status === 0;
if (!hasPy) console.warn('tifffile/Pillow not available: printing biaflow times only');

function best(fn, repeat = 3) {
  let t = Infinity;
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    t = Math.min(t, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return t;
}

/** Time (ms, best of 3) for Python to run `body` over `files` (interpreter start excluded). */
function python(body, files) {
  const script = `
import sys, time, json, numpy as np, tifffile
from PIL import Image
files = json.load(open(sys.argv[1]))
def run():
${body.split('\n').map((l) => '    ' + l).join('\n')}
best = min((lambda t0: (run(), time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(3))
print(best * 1000)
`;
  const list = path.join(os.tmpdir(), `bench-io-${process.pid}.json`);
  fs.writeFileSync(list, JSON.stringify(files));
  const r = spawnSync(PY, ['-c', script, list], { encoding: 'utf8', maxBuffer: 1 << 26 });
  fs.rmSync(list, { force: true });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
}

const rows = [];
function report(name, ours, theirs) {
  rows.push({ case: name, 'biaflow ms': ours.toFixed(1), 'reference ms': theirs === undefined ? '-' : theirs.toFixed(1), 'reference/biaflow': theirs === undefined ? '-' : (theirs / ours).toFixed(2) });
}

const groups = [
  ['nuclei2d-dsb2018/train/images', 'tiff', 'deflate 2D uint8'],
  ['nuclei2d-dsb2018/train/labels', 'tiff', 'deflate 2D uint16 labels'],
  ['nuclei3d-plantseg/images', 'tiff', 'ImageJ 3D uint8, uncompressed'],
  ['em-membrane-isbi2012/images', 'png', 'PNG 512x512 uint8'],
];
for (const [sub, kind, label] of groups) {
  const dir = dataRoot && path.join(dataRoot, sub);
  if (!dir) continue;
  if (!fs.existsSync(dir)) continue;
  const files = listImageFiles(dir);
  const ours = best(() => files.forEach((f) => readImageSync(f)));
  const theirs = hasPy
    ? python(kind === 'tiff' ? 'for f in files: tifffile.imread(f)' : 'for f in files: np.asarray(Image.open(f))', files)
    : undefined;
  report(`read ${files.length} × ${label}`, ours, theirs);
}

// A large label volume, as a prediction writes it: int32, 64 × 512 × 512 (64 MiB).
const shape = [64, 512, 512];
const labels = new Int32Array(shape[0] * shape[1] * shape[2]);
for (let z = 0; z < shape[0]; z++)
  for (let y = 0; y < shape[1]; y++)
    for (let x = 0; x < shape[2]; x++) labels[(z * shape[1] + y) * shape[2] + x] = ((z >> 3) * 4096 + (y >> 4) * 32 + (x >> 4)) * ((x + y) % 5 === 0 ? 0 : 1);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-io-'));
for (const compression of ['none', 'deflate']) {
  const file = path.join(tmp, `labels-${compression}.tif`);
  const tw = best(() => writeImageSync(file, { data: labels, shape, spacing: [1, 0.25, 0.25] }, { compression }));
  const size = fs.statSync(file).size;
  let theirsWrite;
  let theirsRead;
  if (hasPy) {
    const npy = path.join(tmp, 'labels.npy');
    if (!fs.existsSync(npy)) {
      const header = `{'descr': '<i4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
      const pad = 64 - ((10 + header.length + 1) % 64);
      const h = Buffer.from(header + ' '.repeat(pad) + '\n', 'latin1');
      const pre = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]);
      fs.writeFileSync(npy, Buffer.concat([pre, h, Buffer.from(labels.buffer)]));
    }
    const comp = compression === 'deflate' ? "compression='zlib', predictor=True" : 'compression=None';
    theirsWrite = python(`a = np.load(files[0])\ntifffile.imwrite(files[1], a, ${comp}, metadata={'axes': 'ZYX'})`, [npy, path.join(tmp, 'ref.tif')]);
    theirsRead = python('tifffile.imread(files[0])', [file]);
  }
  report(`write int32 ${shape.join('×')} labels, ${compression} (${(size / 2 ** 20).toFixed(1)} MiB)`, tw, theirsWrite);
  report(`read it back, ${compression}`, best(() => readImageSync(file)), theirsRead);
}
fs.rmSync(tmp, { recursive: true, force: true });
console.table(rows);
console.log(`(best of 3; ${os.cpus().length} cores shared with other work, so expect noise; reference = tifffile ${hasPy ? '' : 'unavailable'} / Pillow for PNG)`);
