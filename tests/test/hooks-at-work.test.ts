import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, readImage } from 'biaflow';
import { PluginError, runPipeline, startRun, type BiaflowPlugin, type Kernel, type MetricsReport, type RunContext, type RunEndEvent, type RunOutcome } from '@biaflow/core/internals';
import { biaflow, fixtures, readCsv, tmpdir } from './e2e-helpers';

/**
 * Every lifecycle hook with a third-party tap at work, on real runs of the instance workflow (DSB2018
 * crops, a tiny U-Net): the waterfall and bail taps change what flows through and the change reaches
 * the run's outputs; the observer taps receive their documented payload.
 */
const data = path.join(fixtures, 'nuclei2d');
const TEST_IMAGE = '003cee89357d.tif';

const baseConfig = {
  problem: { type: 'instance', ndim: 2 },
  system: { backend: 'wasm', seed: 3 },
  data: {
    train: { images: `${data}/train/images`, labels: `${data}/train/labels` },
    val: { split: 0.5 },
    test: { images: `${data}/test/images`, labels: `${data}/test/labels` },
    patch_size: [32, 32],
  },
  instance: { channels: 'BC' },
  model: { feature_maps: [8, 16], normalization: 'none' },
  train: { epochs: 1, batch_size: 2, steps_per_epoch: 2 },
};

function plugin(name: string, apply: (kernel: Kernel) => void): BiaflowPlugin {
  return { name, version: '1.0.0', core: '^0.1.0', apply };
}

/** A run in this process with extra plugins, the way the CLI runs one. */
async function run(
  command: 'run' | 'predict' | 'train' | 'evaluate',
  plugins: BiaflowPlugin[],
  options: { out?: string; sets?: string[]; config?: Record<string, unknown> } = {},
): Promise<{ runDir: string; outcome: RunOutcome }> {
  const runDir = options.out ?? path.join(tmpdir(), 'run');
  const loaded = await loadConfig({ inline: options.config ?? baseConfig, plugins, sets: options.sets });
  const started = await startRun({ command, loaded, out: runDir, logLevel: 'silent', overwrite: true });
  try {
    return { runDir: started.context.runDir, outcome: await runPipeline(started.context, command) };
  } finally {
    await started.close();
  }
}

let trained: string;
beforeAll(async () => {
  trained = (await run('train', [])).runDir;
});

test('runStart: an observer receives the run (command, folder, config, kernel)', async () => {
  const seen: RunContext[] = [];
  const { runDir } = await run('predict', [plugin('observer', (k) => k.hooks.runStart.tap('observer', ({ run: r }) => void seen.push(r)))], {
    sets: [`model.load=${trained}/model`],
  });
  expect(seen).toHaveLength(1);
  expect(seen[0].command).toBe('predict');
  expect(seen[0].runDir).toBe(runDir);
  expect(seen[0].config.problem.type).toBe('instance');
  expect(seen[0].kernel.plugins.map((p) => p.name)).toContain('observer');
});

test('preprocess[instance]: a tap after the workflow changes the targets the network learns', async () => {
  // Foreground and background swapped, no contour: the network learns to call the background foreground.
  const inverted = plugin('inverted', (k) =>
    k.hooks.preprocess.for('instance').tap({ name: 'inverted', stage: 10 }, (sample) => {
      const t = sample.target!;
      const data = new Float32Array(t.data.length);
      for (let i = 0; i < data.length; i += 2) data[i] = 1 - t.data[i];
      return { ...sample, target: { data, shape: t.shape } };
    }),
  );
  const { runDir } = await run('run', [inverted], { sets: ['train.epochs=3', 'train.steps_per_epoch=10', 'train.lr=0.01'] });
  const probs = await readImage(path.join(runDir, 'probabilities', TEST_IMAGE)); // CYX: B then C
  const truth = await readImage(path.join(data, 'test/labels', TEST_IMAGE));
  const mean = (inside: boolean) => {
    let sum = 0;
    let n = 0;
    truth.data.forEach((v, i) => {
      if ((v !== 0) === inside) {
        sum += probs.data[i];
        n++;
      }
    });
    return sum / n;
  };
  // Trained on its real targets the network gives nuclei the higher foreground probability; here the lower.
  expect(mean(false) - mean(true)).toBeGreaterThan(0.2);
});

test('augment: a tap changes the training samples (augment-preview shows it and names it)', () => {
  const dir = tmpdir();
  fs.writeFileSync(
    path.join(dir, 'flat-augment.js'),
    `module.exports = { name: 'flat-augment', version: '1.0.0', core: '^0.1.0', apply(k) {
      k.hooks.augment.tap('flat-augment', (sample, event) => {
        event.applied.push('flatten');
        return { ...sample, image: { data: new Float32Array(sample.image.data.length).fill(0.25), shape: sample.image.shape } };
      });
    } };\n`,
  );
  fs.writeFileSync(
    path.join(dir, 'config.yaml'),
    `problem: { type: instance }\nplugins: [./flat-augment.js]\nsystem: { backend: cpu }\ndata:\n  train: { images: ${data}/train/images, labels: ${data}/train/labels }\n  patch_size: [32, 32]\naugment: { flip: { probability: 1 } }\n`,
  );
  biaflow(['augment-preview', '--config', 'config.yaml', '--out', 'preview', '--count', '2'], dir);
  const log = JSON.parse(fs.readFileSync(path.join(dir, 'preview', 'augment-preview.json'), 'utf8')) as { augmentations: string[] }[];
  // Core's augmentation (its flips) ran first, then the plugin's tap.
  for (const entry of log) expect(entry.augmentations.slice(-1)).toEqual(['flatten']);
  expect(log.every((e) => e.augmentations.some((a) => a.startsWith('flip')))).toBe(true);
  return (async () => {
    const after = await readImage(path.join(dir, 'preview', fs.readdirSync(path.join(dir, 'preview')).find((f) => f.endsWith('-after.png'))!));
    const before = await readImage(path.join(dir, 'preview', fs.readdirSync(path.join(dir, 'preview')).find((f) => f.endsWith('-before.png'))!));
    // The image part (left of the 4-pixel grey separator, the label on the right) of "after" is one
    // flat value; "before" is not.
    const [H, W] = after.shape;
    const X = (W - 4) / 2;
    const imagePart = (img: typeof after) => Array.from({ length: H * X }, (_, i) => img.data[Math.floor(i / X) * W + (i % X)]);
    expect(new Set(imagePart(after)).size).toBe(1);
    expect(new Set(imagePart(before)).size).toBeGreaterThan(10);
  })();
});

test('train[instance]: a tap before core\'s replaces training (its bundle is the run\'s model; core\'s loop never runs)', async () => {
  const replacing = plugin('my-trainer', (k) =>
    k.hooks.train.for('instance').tapPromise({ name: 'my-trainer', stage: -10 }, async ({ run: r }) => {
      fs.cpSync(path.join(trained, 'model'), path.join(r.runDir, 'model'), { recursive: true });
      return { modelDir: path.join(r.runDir, 'model'), epochs: 0 };
    }),
  );
  const { runDir, outcome } = await run('run', [replacing]);
  expect(outcome.train).toEqual({ modelDir: path.join(runDir, 'model'), epochs: 0 });
  expect(fs.existsSync(path.join(runDir, 'checkpoints'))).toBe(false);
  expect(fs.existsSync(path.join(runDir, 'train_metrics.csv'))).toBe(false);
  // The model it put there predicted the test image.
  expect(fs.existsSync(path.join(runDir, 'predictions', TEST_IMAGE))).toBe(true);
});

test('infer[instance]: a tap before core\'s replaces inference; its output is what is saved and decoded', async () => {
  const halves = plugin('halves', (k) =>
    k.hooks.infer.for('instance').tapPromise({ name: 'halves', stage: -10 }, async ({ name, image }) => {
      const [H, W] = image.shape;
      const probabilities = new Float32Array(H * W * 2);
      // Foreground in the left half (x < W/2), no contour anywhere.
      for (let y = 0; y < H; y++) for (let x = 0; x < W / 2; x++) probabilities[(y * W + x) * 2] = 1;
      return { name, source: image, probabilities: { data: probabilities, shape: [H, W, 2] } };
    }),
  );
  const { runDir } = await run('predict', [halves], { sets: [`model.load=${trained}/model`] });
  const probs = await readImage(path.join(runDir, 'probabilities', TEST_IMAGE));
  const [, H, W] = probs.shape;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expect(probs.data[y * W + x]).toBe(x < W / 2 ? 1 : 0);
  const labels = await readImage(path.join(runDir, 'predictions', TEST_IMAGE));
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) expect(labels.data[y * W + x]).toBe(x < W / 2 ? 1 : 0);
  expect(readCsv(path.join(runDir, 'objects.csv')).map((r) => Number(r.area))).toEqual([H * (W / 2)]);
});

test('postprocess: a tap after core\'s steps changes the result; the file and the objects table follow', async () => {
  const topHalfOff = plugin('top-half-off', (k) =>
    k.hooks.postprocess.tap({ name: 'top-half-off', stage: 10 }, (prediction) => {
      const labels = prediction.labels!;
      const data = labels.data.slice();
      data.fill(0, 0, (labels.shape[0] / 2) * labels.shape[1]);
      return { ...prediction, labels: { data, shape: labels.shape } };
    }),
  );
  const { runDir } = await run('predict', [topHalfOff], { sets: [`model.load=${trained}/model`, 'postprocess=[{method: instance_watershed, seed_threshold: 0.01, foreground_threshold: 0.01, contour_threshold: 1, min_seed_size: 0}]'] });
  const labels = await readImage(path.join(runDir, 'predictions', TEST_IMAGE));
  const [H, W] = labels.shape;
  expect(labels.data.subarray(0, (H / 2) * W).every((v) => v === 0)).toBe(true);
  expect(labels.data.subarray((H / 2) * W).some((v) => v !== 0)).toBe(true);
  // The table is filled after the plugin's tap (core's tables tap is at stage 100): no object above the middle.
  const rows = readCsv(path.join(runDir, 'objects.csv'));
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect(Number(r.bbox_y_min)).toBeGreaterThanOrEqual(H / 2);
});

test('writeResult: a tap before core\'s writer changes what is written; one after adds its own file', async () => {
  const writer = plugin('writer', (k) => {
    k.hooks.writeResult.tap({ name: 'relabel', stage: -10 }, (prediction) => {
      const data = prediction.labels!.data.map((v) => (v === 0 ? 0 : 7));
      return { ...prediction, labels: { data, shape: prediction.labels!.shape } };
    });
    k.hooks.writeResult.tapPromise({ name: 'summary', stage: 10 }, async (prediction, event) => {
      const file = path.join(event.run.runDir, 'predictions', `${prediction.name}.count.txt`);
      fs.writeFileSync(file, `${new Set([...prediction.labels!.data].filter((v) => v !== 0)).size}\n`);
      event.files.push(file);
      return prediction;
    });
  });
  const { runDir } = await run('predict', [writer], {
    sets: [`model.load=${trained}/model`, 'postprocess=[{method: instance_watershed, seed_threshold: 0.01, foreground_threshold: 0.01, contour_threshold: 1, min_seed_size: 0}]'],
  });
  const labels = await readImage(path.join(runDir, 'predictions', TEST_IMAGE));
  expect(labels.data.some((v) => v === 7)).toBe(true);
  expect(labels.data.every((v) => v === 0 || v === 7)).toBe(true);
  expect(fs.readFileSync(path.join(runDir, 'predictions', `${TEST_IMAGE}.count.txt`), 'utf8')).toBe('1\n');
  const predicted = fs
    .readFileSync(path.join(runDir, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .find((e) => e.event === 'predicted');
  expect(predicted.outputs).toContain(path.join(runDir, 'predictions', `${TEST_IMAGE}.count.txt`));
});

test('evaluate[instance]: a tap before core\'s replaces the scoring; metrics.json is its report', async () => {
  const scorer = plugin('scorer', (k) =>
    k.hooks.evaluate.for('instance').tapPromise({ name: 'scorer', stage: -10 }, async ({ pairs }) => ({
      overall: { pairs: pairs.length, custom: 0.5 },
      per_image: pairs.map((p) => ({ image: p.name, custom: 0.5 })),
    })),
  );
  const { runDir } = await run('predict', [scorer], { sets: [`model.load=${trained}/model`] });
  expect(JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8'))).toEqual({
    overall: { pairs: 1, custom: 0.5 },
    per_image: [{ image: TEST_IMAGE, custom: 0.5 }],
  });
});

test('runEnd: the metrics report flows through; a tap adds a figure that reaches metrics.json, and sees the run', async () => {
  const events: RunEndEvent[] = [];
  const adder = plugin('adder', (k) =>
    k.hooks.runEnd.tap('adder', (report: MetricsReport | undefined, event) => {
      events.push(event);
      return report && { ...report, overall: { ...report.overall, objects_per_image: report.per_image.length } };
    }),
  );
  const { runDir, outcome } = await run('run', [adder]);
  const metrics = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8'));
  expect(metrics.overall.objects_per_image).toBe(1);
  expect(metrics.overall.matching['0.5']).toBeDefined();
  expect(outcome.metrics?.overall.objects_per_image).toBe(1);
  expect(events).toHaveLength(1);
  expect(events[0].run.runDir).toBe(runDir);
  expect(events[0].train?.modelDir).toBe(path.join(runDir, 'model'));
});

test('runFailure: an observer receives the run and the error, which names the failing plugin and hook', async () => {
  const failures: { run: RunContext; error: unknown }[] = [];
  const failing = plugin('failing', (k) => {
    k.hooks.train.for('instance').tapPromise({ name: 'failing', stage: -10 }, async () => {
      throw new Error('out of coffee');
    });
    k.hooks.runFailure.tap('failing', (event) => void failures.push(event));
  });
  const err = await run('train', [failing]).catch((e) => e);
  expect(err).toBeInstanceOf(PluginError);
  expect(failures).toHaveLength(1);
  expect(failures[0].error).toBe(err);
  expect((failures[0].error as PluginError).message).toBe('plugin "failing" failed in hook "train[instance]": out of coffee');
  expect(failures[0].run.command).toBe('train');
});
