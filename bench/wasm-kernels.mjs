// Per-kernel before/after of biaflow's wasm kernels on the shapes of the U-Nets:
// tfjs-backend-wasm's own kernel ("wasm") against biaflow's replacement, called directly in turns
// in one process (so both see the same load), best of --reps runs each.
//
//   npm run bench:kernels [-- --reps N --threads N]
import { createRequire } from 'node:module';
import os from 'node:os';

const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const reps = opt('reps', 5);
const threads = opt('threads', 1);

const core = require('@biaflow/engine-tfjs/internals');
const tf = core.loadTf();
require('@tensorflow/tfjs-backend-wasm');
// wasm's own kernels, captured before biaflow replaces them.
const NAMES = [
  'Conv2DBackpropInput',
  'Conv3D',
  'Conv3DBackpropInputV2',
  'Conv3DBackpropFilterV2',
  'MaxPoolGrad',
  'MaxPool3D',
  'MaxPool3DGrad',
  'SplitV',
  'Concat',
  'Sum',
  'Transpose',
  'BatchMatMul',
  'Identity',
];
const originals = Object.fromEntries(NAMES.map((n) => [n, tf.getKernel(n, 'wasm').kernelFunc]));
await core.prepareWasmBackend(tf, { threads });
await tf.setBackend('wasm');
const backend = tf.backend();

function rand(shape) {
  return tf.randomUniform(shape, -1, 1, 'float32', 1);
}

/** Best time (ms) of running `fn` (a kernel function) `n` times; frees outputs. */
function best(fn, inputs, attrs, n) {
  let t = Infinity;
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const out = fn({ inputs, backend, attrs });
    t = Math.min(t, performance.now() - s);
    for (const o of Array.isArray(out) ? out : [out]) backend.disposeData(o.dataId);
  }
  return t;
}

const cases = [
  ['Conv2DBackpropInput', '3×3 s1 dx, [8,128,128,16]', { dy: [8, 128, 128, 16], filter: [3, 3, 16, 16] }, { strides: 1, pad: 'same', inputShape: [8, 128, 128, 16], dataFormat: 'NHWC' }],
  ['Conv2DBackpropInput', '2×2 s2 transposed conv, [8,64,64,32] → [8,128,128,16]', { dy: [8, 64, 64, 32], filter: [2, 2, 16, 32] }, { strides: 2, pad: 'same', inputShape: [8, 128, 128, 16], dataFormat: 'NHWC' }],
  ['Conv2DBackpropInput', '3×3 s2 dx, [8,32,32,32]', { dy: [8, 32, 32, 32], filter: [3, 3, 16, 32] }, { strides: 2, pad: 'same', inputShape: [8, 64, 64, 16], dataFormat: 'NHWC' }],
  ['Conv2DBackpropFilter', '3×3 s1 dW, [8,128,128,16]', { x: [8, 128, 128, 16], dy: [8, 128, 128, 16] }, { strides: 1, pad: 'same', filterShape: [3, 3, 16, 16] }],
  ['Conv2DBackpropFilter', '2×2 s2 dW (transposed conv)', { x: [8, 128, 128, 16], dy: [8, 64, 64, 32] }, { strides: 2, pad: 'same', filterShape: [2, 2, 16, 32] }],
  ['MaxPoolGrad', '2×2, [8,128,128,16]', { dy: [8, 64, 64, 16], input: [8, 128, 128, 16], output: [8, 64, 64, 16] }, { filterSize: 2, strides: 2, pad: 'valid' }],
  ['SplitV', 'skip gradient, [8,128,128,32] → 2 × 16 channels', { x: [8, 128, 128, 32] }, { numOrSizeSplits: [16, 16], axis: 3 }],
  ['Concat', 'skip, 2 × [8,128,128,16]', [[8, 128, 128, 16], [8, 128, 128, 16]], { axis: 3 }],
  ['Sum', 'bias gradient, [8,128,128,16]', { x: [8, 128, 128, 16] }, { axis: [0, 1, 2], keepDims: false }],
  ['Identity', '[8,128,128,16]', { x: [8, 128, 128, 16] }, {}],
  ['BatchMatMul', 'dense dW = xᵀ·dy, [256,512]ᵀ × [256,256]', { a: [256, 512], b: [256, 256] }, { transposeA: true, transposeB: false }],
  ['Conv3D', '3×3×3, [2,32,64,64,8] → 8', { x: [2, 32, 64, 64, 8], filter: [3, 3, 3, 8, 8] }, { strides: 1, pad: 'same', dataFormat: 'NDHWC', dilations: 1 }],
  ['Conv3DBackpropInputV2', '3×3×3 s1 dx, [2,32,64,64,8]', { dy: [2, 32, 64, 64, 8], filter: [3, 3, 3, 8, 8] }, { strides: 1, pad: 'same', inputShape: [2, 32, 64, 64, 8] }],
  ['Conv3DBackpropInputV2', '2×2×2 s2 transposed conv, [2,16,32,32,16] → 8', { dy: [2, 16, 32, 32, 16], filter: [2, 2, 2, 8, 16] }, { strides: 2, pad: 'same', inputShape: [2, 32, 64, 64, 8] }],
  ['Conv3DBackpropFilterV2', '3×3×3 dW, [2,32,64,64,8]', { x: [2, 32, 64, 64, 8], dy: [2, 32, 64, 64, 8] }, { strides: 1, pad: 'same', filterShape: [3, 3, 3, 8, 8] }],
  ['MaxPool3D', '2×2×2, [2,32,64,64,8]', { x: [2, 32, 64, 64, 8] }, { filterSize: 2, strides: 2, pad: 'valid', dataFormat: 'NDHWC' }],
  ['MaxPool3DGrad', '2×2×2, [2,32,64,64,8]', { dy: [2, 16, 32, 32, 8], input: [2, 32, 64, 64, 8], output: [2, 16, 32, 32, 8] }, { filterSize: 2, strides: 2, pad: 'valid' }],
  ['Sum', 'bias gradient, [2,32,64,64,8]', { x: [2, 32, 64, 64, 8] }, { axis: [0, 1, 2, 3], keepDims: false }],
  ['Transpose', '5D [2,32,64,64,8] perm [4,0,1,2,3]', { x: [2, 32, 64, 64, 8] }, { perm: [4, 0, 1, 2, 3] }],
];

console.log(`wasm kernels before/after, best of ${reps} (slow originals: 1 run), ${threads} thread(s);`);
console.log(`${os.availableParallelism()} cores, load average ${os.loadavg()[0].toFixed(1)}`);
console.log('| kernel | case | wasm ms | biaflow ms | speed-up |');
console.log('|---|---|---:|---:|---:|');
for (const [name, label, shapes, attrs] of cases) {
  const held = Array.isArray(shapes) ? shapes.map(rand) : Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, rand(s)]));
  const inputs = held;
  const mine = tf.getKernel(name, 'wasm').kernelFunc;
  const original = originals[name];
  // Warm both (operator caches, JIT), then time them in turns.
  best(mine, inputs, attrs, 1);
  let tMine = Infinity;
  let tOrig = Infinity;
  for (let r = 0; r < reps; r++) {
    tMine = Math.min(tMine, best(mine, inputs, attrs, 1));
    if (original && (r === 0 || tOrig < 500)) tOrig = Math.min(tOrig, best(original, inputs, attrs, 1));
  }
  const before = original ? tOrig.toFixed(1) : 'missing';
  const speedup = original ? `${(tOrig / tMine).toFixed(1)}×` : '-';
  console.log(`| ${name} | ${label} | ${before} | ${tMine.toFixed(1)} | ${speedup} |`);
  tf.dispose(Object.values(held));
}
