#!/usr/bin/env node
// Training-step time of small U-Nets on the wasm backend (npm run build first), and what the
// 3D workaround buys: a 3D convolution with its gradients as 2D XNNPACK convolutions (what the
// layers do on wasm) against wasm's own Conv3D kernels (whose input gradient is wrong anyway).
// Timings on a shared machine are noisy: compare ratios, and re-run on a quiet one.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const core = require('../packages/engine-tfjs/dist/internals.js');
const tf = core.loadTf();
await core.selectBackend(tf, process.env.BACKEND ?? 'wasm');

async function best(f, n = 5) {
  let t = Infinity;
  for (let i = 0; i < n + 1; i++) {
    const t0 = performance.now();
    const out = f();
    await out.data();
    out.dispose();
    if (i > 0) t = Math.min(t, performance.now() - t0); // first run warms up
  }
  return t;
}

async function stepTime(label, ndim, featureMaps, shape) {
  const model = core.buildModel({ ndim, inputChannels: 1, outputChannels: 1, outputActivation: 'sigmoid', featureMaps });
  const x = tf.randomUniform(shape, 0, 1, 'float32', 1);
  const y = tf.cast(tf.greater(x, 0.5), 'float32');
  const vars = model.trainableWeights.map((w) => w.read());
  const loss = core.makeLoss(tf, { type: 'bce' }, 1, 'sigmoid');
  const opt = new core.Optimizer(tf, { type: 'adam' }, model.trainableWeights.map((w) => ({ name: w.originalName, variable: w.read() })));
  const ms = await best(() =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => loss(y, model.apply(x, { training: true })), vars);
      opt.apply(vars.map((v) => grads[v.name]), 1e-3);
      return value;
    }),
  );
  console.log(`${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms/step`);
  opt.dispose();
  model.dispose();
  tf.dispose([x, y]);
  return ms;
}

console.log(`backend ${tf.getBackend()}`);
await stepTime('2D U-Net [16,32,64], batch 4 × 128×128', 2, [16, 32, 64], [4, 128, 128, 1]);
await stepTime('2D U-Net [8,16], batch 4 × 64×64', 2, [8, 16], [4, 64, 64, 1]);
await stepTime('3D U-Net [8,16], batch 2 × 16×32×32', 3, [8, 16], [2, 16, 32, 32, 1]);

// One 3×3×3 convolution, 8 → 16 channels, on [2,16,32,32,8], forward and both gradients.
const x = tf.randomNormal([2, 16, 32, 32, 8], 0, 1, 'float32', 2);
const w = tf.randomNormal([3, 3, 3, 8, 16], 0, 0.1, 'float32', 3);
const { convNd } = require('../packages/engine-tfjs/dist/networks/layers/nd-ops.js');
const grads = (f) => () => {
  const [gx, gw] = tf.grads(f)([x, w]);
  gw.dispose();
  return gx;
};
const decomposed = await best(grads((a, b) => tf.sum(convNd(tf, a, b))));
const native = await best(grads((a, b) => tf.sum(tf.conv3d(a, b, 1, 'same'))));
console.log(`3D conv fwd+grads: as 2D convolutions ${decomposed.toFixed(0)} ms, wasm Conv3D kernels ${native.toFixed(0)} ms, ratio ${(native / decomposed).toFixed(1)}x`);
