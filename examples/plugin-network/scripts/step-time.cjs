#!/usr/bin/env node
// The cost of a U-Net++ training step against the U-Net's, with the demo's network settings
// (feature_maps [16, 32, 64], no normalization, ReLU, sigmoid head of 2 channels) on a batch of 8
// patches of 96×96, WebAssembly backend. The two networks take turns, so on a shared machine both
// see the same load; prints the median of 10 steps each (after 2 warm-up steps) and their ratio.
//   node examples/plugin-network/scripts/step-time.cjs   (after `npm run build`)
const { buildModel, loadTf, prepareBackend, TFJS_NETWORKS } = require('@biaflow/engine-tfjs');
const { unetpp } = require('biaflow-plugin-unetpp');

async function main() {
  const backend = await prepareBackend('wasm', { threads: 'auto' });
  const tf = loadTf();
  const networks = [...TFJS_NETWORKS, unetpp];
  const models = {};
  for (const architecture of ['unet', 'unetpp']) {
    const spec = { architecture, ndim: 2, inputChannels: 1, outputChannels: 2, outputActivation: 'sigmoid', featureMaps: [16, 32, 64], normalization: 'none', activation: 'relu' };
    models[architecture] = buildModel(spec, tf, networks);
    models[architecture].compile({ optimizer: tf.train.adam(0.002), loss: 'binaryCrossentropy' });
  }
  const x = tf.randomUniform([8, 96, 96, 1], 0, 1, 'float32', 3);
  const y = tf.cast(tf.greater(tf.randomUniform([8, 96, 96, 2], 0, 1, 'float32', 4), 0.7), 'float32');
  const times = { unet: [], unetpp: [] };
  for (let round = 0; round < 12; round++) {
    for (const architecture of ['unet', 'unetpp']) {
      const t0 = performance.now();
      await models[architecture].trainOnBatch(x, y);
      if (round >= 2) times[architecture].push(performance.now() - t0);
    }
  }
  const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
  console.log(`backend ${backend.name}, ${backend.threads ?? 1} thread(s), load average ${require('node:os').loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const a of ['unet', 'unetpp']) console.log(`${a.padEnd(7)} ${models[a].countParams()} weights, ${median(times[a]).toFixed(0)} ms per training step (median of 10)`);
  console.log(`ratio unetpp / unet: ${(median(times.unetpp) / median(times.unet)).toFixed(2)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
