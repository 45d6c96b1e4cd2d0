import fs from 'node:fs';
import path from 'node:path';
import { readNpy, writeNpy } from '@biaflow/bioimageio';
import { loadConfig, loadWorkflowModel, predict, readImage } from 'biaflow';
import { inject, injectable, runPipeline, startRun, Tokens, type BiaflowPlugin, type ImageReader, type InferenceEngine, type Kernel, type Logger, type ProgressSink, type RandomSource } from '@biaflow/core/internals';
import { tfjsEngine } from '@biaflow/engine-tfjs';
import { fixtures, readCsv, tmpdir } from './e2e-helpers';

/**
 * The services of the run's container at work: a plugin adds an image format (a run trains on such
 * files), replaces the inference engine (prediction uses it), replaces the random source (the split
 * and patches follow it), replaces the progress sink with a class the run's container builds.
 */
const data = path.join(fixtures, 'nuclei2d');
const TEST_IMAGE = '003cee89357d';

function plugin(name: string, apply: (kernel: Kernel) => void): BiaflowPlugin {
  return { name, version: '1.0.0', core: '^0.1.0', apply };
}

/** `.npy` images (numpy's format: a 2D array is read as YX, no spacing), through a plugin's reader. */
const npyReader: ImageReader = {
  name: 'npy',
  extensions: ['.npy'],
  sniff: (head) => head[0] === 0x93 && String.fromCharCode(...head.subarray(1, 6)) === 'NUMPY',
  async read(file) {
    const array = readNpy(new Uint8Array(fs.readFileSync(file)), file);
    return { data: array.data as Uint8Array, shape: array.shape, dtype: 'uint8', axes: array.shape.length === 3 ? 'ZYX' : 'YX', spacing: array.shape.map(() => null) };
  },
};

/** The nuclei fixture converted to .npy files (images and labels). */
async function npyCopy(): Promise<string> {
  const root = tmpdir();
  for (const set of ['train', 'test']) {
    for (const kind of ['images', 'labels']) {
      const dir = path.join(data, set, kind);
      fs.mkdirSync(path.join(root, set, kind), { recursive: true });
      for (const f of fs.readdirSync(dir)) {
        const image = await readImage(path.join(dir, f));
        fs.writeFileSync(path.join(root, set, kind, f.replace(/\.tif$/, '.npy')), writeNpy({ data: image.data, shape: image.shape }));
      }
    }
  }
  return root;
}

function config(root: string) {
  return {
    problem: { type: 'instance', ndim: 2 },
    system: { backend: 'wasm', seed: 3 },
    data: {
      train: { images: `${root}/train/images`, labels: `${root}/train/labels` },
      val: { split: 0.5 },
      test: { images: `${root}/test/images`, labels: `${root}/test/labels` },
      patch_size: [32, 32],
    },
    model: { feature_maps: [8, 16], normalization: 'none' },
    train: { epochs: 1, batch_size: 2, steps_per_epoch: 2 },
  };
}

async function run(command: 'run' | 'predict', inline: Record<string, unknown>, plugins: BiaflowPlugin[], sets: string[] = []) {
  const loaded = await loadConfig({ inline, plugins, sets });
  const started = await startRun({ command, loaded, out: path.join(tmpdir(), 'run'), logLevel: 'silent' });
  try {
    await runPipeline(started.context, command);
    return started.context.runDir;
  } finally {
    await started.close();
  }
}

test('a plugin registers a reader for a new file extension, and a run trains, predicts and scores on such files', async () => {
  const root = await npyCopy();
  // Without the reader, the folder holds no image a run can read.
  const err = await run('run', config(root), []).catch((e) => e);
  expect(err.message).toMatch(/holds no image files/);

  const runDir = await run('run', config(root), [plugin('npy-reader', (k) => k.registerImageReader(npyReader))]);
  const split = JSON.parse(fs.readFileSync(path.join(runDir, 'split.json'), 'utf8'));
  expect([...split.train, ...split.val].map((i: { image: string }) => path.extname(i.image))).toEqual(['.npy', '.npy']);
  expect(fs.existsSync(path.join(runDir, 'model', 'biaflow.json'))).toBe(true);
  // The result keeps the input's name; the ground truth (.npy) was read by the plugin's reader too.
  expect(fs.existsSync(path.join(runDir, 'predictions', `${TEST_IMAGE}.tif`))).toBe(true);
  const metrics = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8'));
  expect(metrics.per_image.map((r: { image: string }) => r.image)).toEqual([`${TEST_IMAGE}.npy`]);
  expect(readCsv(path.join(runDir, 'objects.csv')).every((r) => r.image === `${TEST_IMAGE}.npy`)).toBe(true);
});

/** An engine that wraps core's, counts its batches and answers 0.25 for every output. */
function countingEngine(calls: number[]): InferenceEngine {
  return {
    name: 'tfjs',
    description: 'tfjs, counted',
    async open(dir, meta, context) {
      const inner = await tfjsEngine.open(dir, meta, context);
      return {
        ...inner,
        engine: 'counted',
        async predict(batch) {
          calls.push(batch.shape[0]);
          const out = await inner.predict(batch);
          return { data: out.data.map(() => 0.25), shape: out.shape };
        },
      };
    },
  };
}

test('a plugin replaces the inference engine: predict (CLI pipeline and from code) runs its network', async () => {
  const calls: number[] = [];
  const trained = await run('run', config(data), []);
  const runDir = await run('predict', config(data), [plugin('counted', (k) => k.registerInferenceEngine(countingEngine(calls)))], [
    `model.load=${trained}/model`,
  ]);
  expect(calls.length).toBeGreaterThan(0);
  // Tiles are blended with weights that sum to 1: 0.25 everywhere, to float32 rounding.
  const probs = await readImage(path.join(runDir, 'probabilities', `${TEST_IMAGE}.tif`));
  expect(probs.data.every((v) => Math.abs(v - 0.25) < 1e-6)).toBe(true);

  calls.length = 0;
  const model = await loadWorkflowModel(path.join(trained, 'model'), { plugins: [plugin('counted', (k) => k.registerInferenceEngine(countingEngine(calls)))] });
  try {
    expect(model.network.engine).toBe('counted');
    const result = await predict(model, await readImage(path.join(data, 'test/images', `${TEST_IMAGE}.tif`)));
    expect(calls.length).toBeGreaterThan(0);
    expect(result.probabilities!.data.every((v) => Math.abs(v - 0.25) < 1e-6)).toBe(true);
  } finally {
    await model.dispose();
  }
});

test('predict.engine names an engine: an unknown one is a config error listing the registered ones', async () => {
  const trained = path.join(tmpdir(), 'none');
  const err = await run('predict', config(data), [], [`model.load=${trained}`, 'predict.engine=onnx']).catch((e) => e);
  expect(err.exitCode).toBe(2);
  expect(err.message).toContain('predict.engine: no inference engine "onnx" is registered (registered: tfjs); install @biaflow/engine-onnx');
});

test('a plugin replaces the random source: the validation split and the patches follow it', async () => {
  const keys: string[] = [];
  const core = await loadConfig({ inline: config(data) });
  const coreRandom = core.kernel.container.resolve<RandomSource>(Tokens.Random);
  const spying: RandomSource = {
    generator(...key) {
      keys.push(String(key[1]));
      return coreRandom.generator(...key);
    },
  };
  await run('run', config(data), [plugin('spy-random', (k) => k.provide(Tokens.Random, spying))], ['predict.save_probabilities=false']);
  expect(keys).toContain('validation-split');
  expect(keys).toContain('patch');
  expect(keys).toContain('epoch-order');
  expect(keys).toContain('augmentation');
});

/** Every task a run reports, kept by the sink a plugin registers; it logs through the logger the run's container injects. */
const tasks: string[] = [];
@injectable()
class ListedProgress implements ProgressSink {
  constructor(@inject(Tokens.Logger) private readonly logger: Logger) {}

  start(task: { id: string; label: string; total: number }) {
    let done = 0;
    return {
      update: (n: number) => void (done = n),
      end: () => {
        tasks.push(`${task.id} ${done}/${task.total}`);
        this.logger.info({ event: 'listed-progress', task: task.id }, `${task.label} ended at ${done}/${task.total}`);
      },
    };
  }
}

test("a plugin replaces the progress sink by token: the run's container builds it with the run's logger, and the run reports to it alone", async () => {
  const runDir = await run('run', config(data), [plugin('listed-progress', (k) => k.provideClass(Tokens.Progress, ListedProgress))], ['predict.save_probabilities=false']);
  // Every part of the run reports to it: the data pipeline's checks, the training engine's epoch, core's tiles and images.
  expect(tasks).toEqual(['check-data 3/3', 'epoch-1 2/2', `tiles-${TEST_IMAGE}.tif 9/9`, 'predict 1/1']);
  const log = fs.readFileSync(path.join(runDir, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  // The injected logger is the run's: its lines are in log.jsonl; core's progress lines are not (its sink was replaced).
  expect(log.filter((l) => l.event === 'listed-progress').map((l) => l.task)).toEqual(tasks.map((t) => t.split(' ')[0]));
  expect(log.some((l) => l.event === 'progress')).toBe(false);
});
