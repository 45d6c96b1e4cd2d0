import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, loadWorkflowModel, predict, readImage, writeImage } from 'biaflow';
import { runPipeline, startRun, type BiaflowPlugin, type InferenceEngine } from '@biaflow/core/internals';
import { tfjsEngine } from '@biaflow/engine-tfjs';
import { biaflow, tmpdir } from './e2e-helpers';

/**
 * Threshold tuning on a generated case whose best seed threshold is known by construction.
 *
 * Every image holds pairs of touching discs. An "oracle" engine replaces the network: its foreground
 * probability B is the (unnormalized) image itself, its contour probability C is 0. In each disc B falls
 * linearly from 0.28 at the centre to 0.20 at the rim, so the neck between the two discs of a pair is
 * about 0.209. With the foreground threshold fixed at 0.15 by the config (so only the seed threshold is
 * tuned), seed thresholds ≥ 0.3 find no seed (F1 0), 0.2 joins the two discs of a pair into one seed
 * (one merged object per pair, IoU < 0.5 with both: F1 0), and only 0.25 gives one seed per disc. The
 * built-in default, 0.5, finds nothing.
 */
const SIZE = 96;
const R = 9;
const GAP = 16; // centre distance of a pair's discs: they overlap by 2 px
const PAIRS: [number, number][] = [
  [20, 14],
  [20, 60],
  [66, 14],
  [66, 60],
];

function discImage(shift: number): { image: Float32Array; labels: Uint16Array } {
  const image = new Float32Array(SIZE * SIZE);
  const labels = new Uint16Array(SIZE * SIZE);
  let label = 0;
  for (const [y0, x0] of PAIRS) {
    for (const dx of [0, GAP]) {
      label += 1;
      const cy = y0 + shift;
      const cx = x0 + dx + shift;
      for (let y = cy - R; y <= cy + R; y++) {
        for (let x = cx - R; x <= cx + R; x++) {
          const d = Math.hypot(y - cy, x - cx);
          if (d >= R) continue;
          const i = y * SIZE + x;
          const b = 0.2 + 0.08 * (1 - d / R);
          if (b > image[i]) {
            image[i] = b;
            labels[i] = label; // the overlap goes to the nearer centre
          }
        }
      }
    }
  }
  return { image, labels };
}

async function makeData(): Promise<string> {
  const root = tmpdir();
  const sets: [string, number[]][] = [
    ['train', [0, 2, 4, 5, 6, 7, 8, 9, 10, 11]], // shifts keep every disc inside the image
    ['test', [1, 3]],
  ];
  for (const [set, shifts] of sets) {
    for (const shift of shifts) {
      const { image, labels } = discImage(shift);
      const name = `discs-${shift}.tif`;
      await writeImage(path.join(root, set, 'images', name), { data: image, shape: [SIZE, SIZE], axes: 'YX' });
      await writeImage(path.join(root, set, 'labels', name), { data: labels, shape: [SIZE, SIZE], axes: 'YX' });
    }
  }
  return root;
}

/** B = the network's input (normalization `none`), C = 0: the tfjs network only gives the output shape. */
const oracleEngine: InferenceEngine = {
  name: 'tfjs',
  description: 'oracle: B is the image',
  async open(dir, meta, context) {
    const inner = await tfjsEngine.open(dir, meta, context);
    return {
      ...inner,
      engine: 'oracle',
      async predict(batch) {
        const out = await inner.predict(batch);
        const channels = out.shape[out.shape.length - 1];
        const data = new Float32Array(out.data.length);
        for (let i = 0; i < batch.data.length; i++) data[i * channels] = batch.data[i];
        return { data, shape: out.shape };
      },
    };
  },
};
const oracle: BiaflowPlugin = { name: 'oracle', version: '1.0.0', core: '^0.1.0', apply: (k) => k.registerInferenceEngine(oracleEngine) };

function config(root: string) {
  return {
    problem: { type: 'instance', ndim: 2 },
    system: { backend: 'wasm', seed: 1 },
    data: {
      train: { images: `${root}/train/images`, labels: `${root}/train/labels` },
      val: { split: 0.5 },
      test: { images: `${root}/test/images`, labels: `${root}/test/labels` },
      patch_size: [32, 32],
      normalization: { method: 'none' },
    },
    instance: { channels: 'BC' },
    model: { feature_maps: [4, 8], normalization: 'none' },
    train: { epochs: 1, batch_size: 2, steps_per_epoch: 1 },
    postprocess: [{ method: 'instance_watershed', foreground_threshold: 0.15 }],
  };
}

async function run(command: 'run' | 'predict', inline: Record<string, unknown>, out: string, sets: string[] = []) {
  const loaded = await loadConfig({ inline, plugins: [oracle], sets });
  const started = await startRun({ command, loaded, out, logLevel: 'silent' });
  try {
    await runPipeline(started.context, command);
  } finally {
    await started.close();
  }
  return out;
}

const f1 = (runDir: string) => JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8')).overall.matching['0.5'].f1 as number;
const tunedOf = (runDir: string) => JSON.parse(fs.readFileSync(path.join(runDir, 'model', 'biaflow.json'), 'utf8')).tuned;

let root: string;
let tunedRun: string;
beforeAll(async () => {
  root = await makeData();
  tunedRun = await run('run', config(root), path.join(tmpdir(), 'tuned'));
});

test('tuning finds the known best seed threshold on the validation images and the test F1 rises', async () => {
  const tuned = tunedOf(tunedRun);
  expect(tuned.step).toBe('instance_watershed');
  // Within one grid step (0.05) of the constructed optimum 0.25; only untouched options are tuned.
  expect(Math.abs(tuned.options.seed_threshold - 0.25)).toBeLessThanOrEqual(0.05 + 1e-9);
  expect(tuned.options).not.toHaveProperty('foreground_threshold');
  expect(tuned.images).toBe(5);
  expect(tuned.figure.value - tuned.figure.baseline).toBeGreaterThanOrEqual(0.05);

  const plain = await run('run', config(root), path.join(tmpdir(), 'plain'), ['train.tune_thresholds=false']);
  expect(tunedOf(plain)).toBeUndefined();
  // The test images were never seen by tuning: the tuned run's F1 at IoU 0.5 beats the default's.
  expect(f1(tunedRun) - f1(plain)).toBeGreaterThanOrEqual(0.05);
  expect(f1(tunedRun)).toBe(1);
  expect(f1(plain)).toBe(0);
  // The run log says what it chose.
  const log = fs.readFileSync(path.join(tunedRun, 'log.jsonl'), 'utf8');
  expect(log).toMatch(/"event":"tuned-decoding"/);
});

test('with fewer than 5 validation images the thresholds are not tuned (they would over-fit) and the log says so', async () => {
  const few = await run('run', config(root), path.join(tmpdir(), 'few'), ['data.val.split=0.3']);
  expect(JSON.parse(fs.readFileSync(path.join(few, 'split.json'), 'utf8')).val).toHaveLength(3);
  expect(tunedOf(few)).toBeUndefined();
  expect(fs.readFileSync(path.join(few, 'log.jsonl'), 'utf8')).toMatch(/"event":"tune-skipped","images":3/);
});

test('a value in the config beats the tuned one; the tuned one reaches predict and the API', async () => {
  const model = path.join(tunedRun, 'model');
  // predict with the tuned model: the tuned seed threshold is used.
  const predicted = await run('predict', { ...config(root), data: { ...config(root).data, train: undefined } }, path.join(tmpdir(), 'p'), [`model.load=${model}`]);
  expect(f1(predicted)).toBe(1);
  // The config sets the seed threshold itself: it wins.
  const forced = await run('predict', config(root), path.join(tmpdir(), 'q'), [
    `model.load=${model}`,
    'postprocess=[{method: instance_watershed, foreground_threshold: 0.15, seed_threshold: 0.5}]',
  ]);
  expect(f1(forced)).toBe(0);

  const api = await loadWorkflowModel(model, { plugins: [oracle] });
  try {
    const result = await predict(api, await readImage(path.join(root, 'test', 'images', 'discs-1.tif')));
    const ids = new Set(result.labels!.data);
    ids.delete(0);
    expect(ids.size).toBe(2 * PAIRS.length);
  } finally {
    await api.dispose();
  }
});

test('biaflow tune --out RUN tunes again and rewrites the model', async () => {
  const before = tunedOf(tunedRun);
  const pluginFile = path.join(tmpdir(), 'oracle.cjs');
  fs.writeFileSync(
    pluginFile,
    `const { tfjsEngine } = require(${JSON.stringify(require.resolve('@biaflow/engine-tfjs'))});
module.exports = { name: 'oracle', version: '1.0.0', core: '^0.1.0', apply(k) { k.registerInferenceEngine({ name: 'tfjs', description: 'oracle', async open(dir, meta, ctx) {
  const inner = await tfjsEngine.open(dir, meta, ctx);
  return { ...inner, engine: 'oracle', async predict(batch) { const out = await inner.predict(batch); const c = out.shape[out.shape.length - 1];
    const data = new Float32Array(out.data.length); for (let i = 0; i < batch.data.length; i++) data[i * c] = batch.data[i]; return { data, shape: out.shape }; } };
} }); } };`,
  );
  const meta = path.join(tunedRun, 'model', 'biaflow.json');
  const edited = JSON.parse(fs.readFileSync(meta, 'utf8'));
  delete edited.tuned;
  fs.writeFileSync(meta, JSON.stringify(edited));
  const { stdout } = biaflow(['tune', '--out', tunedRun, '--plugin', pluginFile, '--log-level', 'silent'], path.dirname(pluginFile));
  expect(stdout).toMatch(/seed_threshold 0\.25/);
  const after = tunedOf(tunedRun);
  expect(after.options).toEqual(before.options);
});
