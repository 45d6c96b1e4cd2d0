import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coreRandom } from '@biaflow/image';
import {
  createKernel,
  EngineChoice,
  FileWriters,
  inject,
  injectable,
  RunDataIO,
  RunProgress,
  Tokens,
  type BiaflowPlugin,
  type ImageReader,
  type ImageWriter,
  type InferenceEngine,
  type Kernel,
  type Logger,
  type ProgressSink,
  type ResolvedConfig,
} from '@biaflow/core/internals';

/**
 * The run's child container builds core's services with what is registered injected into their
 * constructors, and a plugin's class registered under a token replaces core's and gets the run's
 * services injected in turn.
 */

function plugin(name: string, apply: (kernel: Kernel) => void): BiaflowPlugin {
  return { name, version: '1.0.0', core: '^0.1.0', apply };
}

/** A config with what the services read: the read cap and the engine's name. */
const config = { system: { max_image_megavoxels: 7 }, predict: { engine: 'fake' } } as unknown as ResolvedConfig;

/** A logger that keeps what it is given (the run's own log, `Tokens.RunLog`). */
function recordingLogger(lines: string[]): Logger {
  const keep = (_obj: unknown, msg: string) => void lines.push(msg);
  return { debug: keep, info: keep, warn: keep, error: keep } as unknown as Logger;
}

const reads: { file: string; maxMegavoxels?: number }[] = [];
const xyzReader: ImageReader = {
  name: 'xyz',
  extensions: ['.xyz'],
  async read(file, options) {
    reads.push({ file, maxMegavoxels: options?.maxMegavoxels });
    return { data: new Uint8Array(4), shape: [2, 2], axes: 'YX', spacing: [null, null], dtype: 'uint8' };
  },
  header: () => ({ shape: [2, 2], axes: 'YX', dtype: 'uint8', spacing: [null, null] }),
};
const written: string[] = [];
const xyzWriter: ImageWriter = { name: 'xyz', extensions: ['.xyz'], write: async (file) => void written.push(file) };
const engine = (name: string): InferenceEngine => ({ name, description: name, open: async () => Promise.reject(new Error('not opened here')) });
const fakeEngine = engine('fake');

async function kernelWith(...plugins: BiaflowPlugin[]): Promise<Kernel> {
  const kernel = await createKernel();
  for (const p of plugins) await kernel.use(p);
  return kernel;
}

const formats = plugin('xyz-format', (k) => {
  k.registerImageReader(xyzReader);
  k.registerImageWriter(xyzWriter);
  k.registerInferenceEngine(engine('other'));
  k.registerInferenceEngine(fakeEngine);
});

test("the run's container builds core's data I/O, writers and engine choice from the registered services and the run's config", async () => {
  const kernel = await kernelWith(formats);
  const run = kernel.runContainer(config);
  const io = run.resolve<RunDataIO>(Tokens.DataIO);
  expect(io).toBeInstanceOf(RunDataIO);
  // The plugin's reader was injected (its extension is listed), and the run's config with it (the read cap).
  expect(io.extensions).toContain('.xyz');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-di-'));
  fs.writeFileSync(path.join(dir, 'a.xyz'), 'not an image');
  fs.writeFileSync(path.join(dir, 'b.txt'), 'no reader');
  expect(io.listImageFiles(dir)).toEqual([path.join(dir, 'a.xyz')]);
  await io.readImage(path.join(dir, 'a.xyz'));
  expect(reads).toEqual([{ file: path.join(dir, 'a.xyz'), maxMegavoxels: 7 }]);
  expect(io.header(path.join(dir, 'a.xyz'))?.shape).toEqual([2, 2]);

  const writers = run.resolve<FileWriters>(Tokens.FileWriters);
  expect(writers).toBeInstanceOf(FileWriters);
  await writers.writeImage(path.join(dir, 'out.xyz'), { data: new Uint8Array(4), shape: [2, 2], axes: 'YX' });
  expect(written).toEqual([path.join(dir, 'out.xyz')]);

  const choice = run.resolve<EngineChoice>(Tokens.EngineChoice);
  expect(choice.chosen()).toBe(fakeEngine);
  const other = kernel.runContainer({ ...config, predict: { engine: 'onnx' } } as unknown as ResolvedConfig);
  expect(() => other.resolve<EngineChoice>(Tokens.EngineChoice).chosen()).toThrow('predict.engine: no inference engine "onnx" is registered (registered: other, fake)');

  // Which plugin registered what is kept in the same container.
  expect(kernel.contributionsOf('readers', 'xyz-format')).toEqual([xyzReader]);
  expect(kernel.contributionsOf('engines', 'xyz-format').map((e) => e.name)).toEqual(['other', 'fake']);
});

test("core's progress sink is built with the run's logger and the displays registered in the run's container", async () => {
  const kernel = await kernelWith();
  const lines: string[] = [];
  const shown: string[] = [];
  const display: ProgressSink = {
    start: ({ label, total }) => ({ update: (done) => void shown.push(`${label} ${done}/${total}`), end: () => void shown.push(`${label} end`) }),
  };
  const run = kernel.runContainer(config).register(Tokens.RunLog, { useValue: { logger: recordingLogger(lines) } }).register(Tokens.ProgressDisplay, { useValue: display });
  const sink = run.resolve<ProgressSink>(Tokens.Progress);
  expect(sink).toBeInstanceOf(RunProgress);
  const task = sink.start({ id: 't', label: 'tiles', total: 2, unit: 'tiles' });
  task.update(1);
  task.update(2);
  task.end();
  expect(shown).toEqual(['tiles 1/2', 'tiles 2/2', 'tiles end']);
  // The log's line when the task ends, through the logger injected (the run's log).
  expect(lines).toEqual(['tiles: 2/2 tiles']);
});

/** A plugin's progress sink, built by the run's container: it gets the run's logger and config injected. */
@injectable()
class CountingProgress implements ProgressSink {
  readonly started: string[] = [];
  constructor(
    @inject(Tokens.Logger) readonly logger: Logger,
    @inject(Tokens.Config) readonly config: ResolvedConfig,
  ) {}

  start(task: { label: string }) {
    this.started.push(task.label);
    return { update: () => undefined, end: () => this.logger.info({}, `counted ${task.label}`) };
  }
}

test('a plugin replaces a service by registering its class under the token: the run builds it, with the run’s services injected', async () => {
  const kernel = await kernelWith(plugin('counting', (k) => k.provideClass(Tokens.Progress, CountingProgress)));
  const lines: string[] = [];
  const logger = recordingLogger(lines);
  const run = kernel.runContainer(config).register(Tokens.RunLog, { useValue: { logger } });
  const sink = run.resolve<CountingProgress>(Tokens.Progress);
  expect(sink).toBeInstanceOf(CountingProgress);
  expect(sink.logger).toBe(logger);
  expect(sink.config).toBe(config);
  sink.start({ label: 'epoch 1/1' }).end();
  expect(sink.started).toEqual(['epoch 1/1']);
  // Core's log of progress is replaced with the rest of core's sink: only the plugin's line.
  expect(lines).toEqual(['counted epoch 1/1']);
  // One per run: the same instance in this run, another in the next.
  expect(run.resolve(Tokens.Progress)).toBe(sink);
  expect(kernel.runContainer(config).register(Tokens.RunLog, { useValue: { logger } }).resolve(Tokens.Progress)).not.toBe(sink);
});

test("the last registration of a single service wins: a plugin's value replaces core's", async () => {
  const random = { generator: () => ({}) as never };
  const kernel = await kernelWith(plugin('random', (k) => k.provide(Tokens.Random, random)));
  expect(kernel.runContainer(config).resolve(Tokens.Random)).toBe(random);
  expect((await kernelWith()).runContainer(config).resolve(Tokens.Random)).toBe(coreRandom);
});
