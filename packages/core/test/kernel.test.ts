import { DataError, InputError, Kernel, PluginError, UsageError, definePlugin, isDataError, type BiaflowPlugin, type RunContext } from '@biaflow/core/internals';

const fakeRun = {} as RunContext;

function plugin(overrides: Partial<BiaflowPlugin> = {}): BiaflowPlugin {
  return { name: 'test-plugin', version: '1.2.3', core: '^0.1.0', apply() {}, ...overrides };
}

describe('Kernel', () => {
  test('an error thrown in a tap names the plugin and the hook', async () => {
    const kernel = new Kernel();
    await kernel.use(
      plugin({
        name: 'exploding-plugin',
        apply(k) {
          k.hooks.train.for('instance').tapPromise('whatever-tap-name', async () => {
            throw new Error('boom');
          });
        },
      }),
    );
    const err = await kernel.hooks.train.for('instance').promise({ run: fakeRun }).catch((e) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect(err.plugin).toBe('exploding-plugin');
    expect(err.hook).toBe('train[instance]');
    expect(err.message).toBe('plugin "exploding-plugin" failed in hook "train[instance]": boom');
  });

  test("a problem of the data found by biaflow's own checks (DataError) passes a tap unwrapped; a plugin's own InputError names the plugin", async () => {
    const own = new DataError('label is 40×40 but its image a.tif is 64×64', { file: 'labels/a.tif' });
    const kernel = new Kernel();
    await kernel.use(
      plugin({
        name: 'calls-back',
        apply(k) {
          k.hooks.train.for('instance').tapPromise('calls-back', async () => {
            throw own;
          });
          k.hooks.train.for('semantic').tapPromise('refuses', async () => {
            throw new InputError('has no foreground', { file: 'labels/b.tif' });
          });
        },
      }),
    );
    const passed = await kernel.hooks.train.for('instance').promise({ run: fakeRun }).catch((e) => e);
    expect(passed).toBe(own);
    expect(passed.exitCode).toBe(2);
    expect(passed.message).toBe('labels/a.tif: label is 40×40 but its image a.tif is 64×64');
    expect(passed).toBeInstanceOf(InputError);
    const wrapped = await kernel.hooks.train.for('semantic').promise({ run: fakeRun }).catch((e) => e);
    expect(wrapped).toBeInstanceOf(PluginError);
    expect(wrapped.exitCode).toBe(2);
    expect(wrapped.message).toBe('plugin "calls-back" failed in hook "train[semantic]": labels/b.tif: has no foreground');
    // Known by its brand, also from a second copy of the error classes; a plain InputError is not one.
    expect(isDataError(Object.defineProperty(new Error('x'), Symbol.for('@biaflow/data-error'), { value: true }))).toBe(true);
    expect(isDataError(new InputError('x'))).toBe(false);
  });

  test('synchronous throws in waterfall taps are wrapped too', async () => {
    const kernel = new Kernel();
    await kernel.use(
      plugin({
        name: 'sync-thrower',
        apply(k) {
          k.hooks.postprocess.tap('sync-thrower', () => {
            throw new TypeError('bad labels');
          });
        },
      }),
    );
    const err = await kernel.hooks.postprocess
      .promise({ name: 'a.tif', source: { shape: [2, 2], axes: 'YX', spacing: [null, null], dtype: 'uint8' } }, { run: fakeRun })
      .catch((e) => e);
    expect(err).toBeInstanceOf(PluginError);
    expect(err.message).toContain('"sync-thrower" failed in hook "postprocess": bad labels');
  });

  test('a plugin for another core version is refused, naming both versions', async () => {
    const kernel = new Kernel();
    const err = await kernel.use(plugin({ name: 'old-plugin', version: '3.0.0', core: '^2.0.0' })).catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('old-plugin" 3.0.0');
    expect(err.message).toContain('requires @biaflow/core ^2.0.0');
    expect(err.message).toContain('@biaflow/core 0.1.0 is running');
  });

  test('duplicate plugin names are refused', async () => {
    const kernel = new Kernel();
    await kernel.use(plugin({ name: 'twin' }), 'a');
    await expect(kernel.use(plugin({ name: 'twin' }), 'b')).rejects.toThrow('plugin "twin" is loaded twice (from a and from b)');
  });

  test('a problem type nobody handles fails naming loaded plugins and the package to install', async () => {
    const kernel = new Kernel();
    await kernel.use(plugin({ name: 'only-plugin' }));
    let err: UsageError | undefined;
    try {
      kernel.assertHandled('detection', ['train', 'infer']);
    } catch (e) {
      err = e as UsageError;
    }
    expect(err?.message).toContain('no loaded plugin handles problem type "detection"');
    expect(err?.message).toContain('only-plugin@1.2.3');
    expect(err?.hint).toContain('npm i @biaflow/plugin-detection');
  });

  test('each kernel has its own child container', async () => {
    const a = new Kernel();
    const b = new Kernel();
    const token = Symbol.for('@biaflow/test/thing');
    a.container.register(token, { useValue: 1 });
    expect(a.container.isRegistered(token)).toBe(true);
    expect(b.container.isRegistered(token)).toBe(false);
  });

  test('hooks are frozen: plugins tap them, they cannot replace them', () => {
    const kernel = new Kernel();
    expect(Object.isFrozen(kernel.hooks)).toBe(true);
    expect(() => {
      (kernel.hooks as unknown as Record<string, unknown>).train = null;
    }).toThrow();
  });

  test('post-processing methods report errors with their plugin', async () => {
    const kernel = new Kernel();
    const { z } = await import('@biaflow/core');
    await kernel.use(
      definePlugin({
        ...plugin({ name: 'pp-plugin' }),
        apply(k) {
          k.registerPostprocess({
            name: 'explode',
            description: 'throws',
            options: z.strictObject({}),
            run() {
              throw new Error('nope');
            },
          });
        },
      }),
    );
    const method = kernel.postprocessMethods.get('explode')!;
    expect(method.plugin).toBe('pp-plugin');
    await expect(
      Promise.resolve().then(() => method.run({ name: 'x', source: { shape: [], axes: '', spacing: [], dtype: 'uint8' } }, {}, { run: fakeRun })),
    ).rejects.toThrow('plugin "pp-plugin" failed in hook "postprocess:explode": nope');
  });
});
