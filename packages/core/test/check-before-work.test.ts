import { checkBeforeWork, ConfigError, Kernel, Tokens, type CheckedStages, type DataPipeline, type ResolvedConfig } from '@biaflow/core/internals';

/**
 * Core keeps only the call site of the checks before work: the data pipeline provided (`Tokens.DataPipeline`)
 * finds the issues; core throws them, in the pipeline's order, as one ConfigError naming the config file.
 */

const config = { problem: { type: 'any', ndim: 2 } } as unknown as ResolvedConfig;
const stages: CheckedStages = { train: true, predict: false, evaluate: true };

async function kernelWith(pipeline?: Partial<DataPipeline>): Promise<Kernel> {
  const kernel = new Kernel();
  if (pipeline) {
    await kernel.use({ name: 'fake-data', version: '1.0.0', core: '^0.1.0', apply: (k) => k.provide(Tokens.DataPipeline, pipeline as DataPipeline) });
  }
  return kernel;
}

test("the provided pipeline's issues are thrown as one ConfigError (exit 2), in order, with what it was asked", async () => {
  const asked: unknown[] = [];
  const kernel = await kernelWith({
    checkBeforeWork: (c, k, s) => {
      asked.push(c, k, s);
      return [
        { path: 'data.train.images', message: '/d/train does not exist' },
        { path: 'data.patch_size', message: 'is odd' },
      ];
    },
  });
  const err = (() => {
    try {
      checkBeforeWork(config, kernel, stages, '/d/config.yaml');
    } catch (e) {
      return e;
    }
  })();
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).exitCode).toBe(2);
  expect((err as ConfigError).message).toBe('invalid configuration in /d/config.yaml:\n  - data.train.images: /d/train does not exist\n  - data.patch_size: is odd');
  expect(asked).toEqual([config, kernel, stages]);
});

test('no issue, or no data pipeline provided: nothing is thrown', async () => {
  const clean = await kernelWith({ checkBeforeWork: () => [] });
  expect(() => checkBeforeWork(config, clean, stages)).not.toThrow();
  expect(() => checkBeforeWork(config, new Kernel(), stages)).not.toThrow();
});
