import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import type { Page, Route } from 'playwright-core';
import { buildModel, loadModel, predict, saveModel, tfPredictor } from '@biaflow/engine-tfjs';
import { loadModelFromFiles } from '@biaflow/engine-tfjs/internals';
import { InputError } from '@biaflow/core/errors';
import { launchOfflineChromium, type OfflineBrowser } from '../../report/test/browser';
import { maxRelDiff, tf, tmpdir, useWasm } from './training/helpers';

// @biaflow/engine-tfjs/browser must run in a browser. Bundled for the browser platform as an app
// would take it (the package's `./browser` export, as built), it may pull in nothing of Node and,
// of @biaflow/core, only the pure errors and bundle format. Bundled with tfjs and its wasm backend
// and opened in headless Chromium, it installs biaflow's wasm kernels, builds a network, loads a
// bundle Node saved from its files, and predicts what Node predicts.

const repo = path.resolve(__dirname, '../../..');
const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
const ORIGIN = 'https://biaflow.test';

/** The files the browser entry is made of: its own, never the Node side's. */
const BROWSER_FILES = /^packages\/engine-tfjs\/dist\/((browser|tf-predictor|version)\.js|networks\/.+\.js|backend\/(load-tf\.js|wasm-kernels\/.+\.js|gradients\/.+\.js)|bundle\/(predict|normalizers|bundle-meta|load-from-files|weight-bytes)\.js)$/;
const NODE_ONLY = ['bundle/save-load', 'bundle/dir-handler', 'training/', 'backend/wasm.js', 'backend/wasm-threads/', 'backend/select-backend', 'compute-backend', 'plugin'];

test('the browser entry bundles with nothing of Node: tfjs is its only outside import, core gives only its pure files', async () => {
  const result = await build({
    entryPoints: [require.resolve('@biaflow/engine-tfjs/browser')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    // The app brings tfjs (a peer dependency): what matters here is what biaflow adds.
    external: ['@tensorflow/*'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: repo,
  });
  const inputs = Object.keys(result.metafile.inputs);
  const imports = Object.values(result.metafile.outputs)[0].imports;
  expect(imports.map((i) => i.path)).toEqual(['@tensorflow/tfjs']);
  expect(inputs.filter((f) => f.startsWith('node:') || f.includes('(disabled)') || f.startsWith('node_modules/'))).toEqual([]);
  expect(inputs.filter((f) => f.startsWith('packages/core/')).sort()).toEqual([
    'packages/core/dist/bundle-format.js',
    'packages/core/dist/errors.js',
    'packages/core/dist/kernel/contributions/model-bundle.js',
    'packages/core/dist/kernel/version.js',
    'packages/core/package.json',
  ]);
  const engine = inputs.filter((f) => f.startsWith('packages/engine-tfjs/'));
  expect(engine.length).toBeGreaterThan(30);
  expect(engine.filter((f) => !BROWSER_FILES.test(f) || NODE_ONLY.some((n) => f.includes(`/dist/${n}`)))).toEqual([]);
  // The error classes are @biaflow/fs's (core's errors entry re-exports them): that file alone, nothing of its Node side.
  expect(inputs.filter((f) => f.startsWith('packages/fs/'))).toEqual(['packages/fs/dist/errors.js']);
  expect(inputs.filter((f) => f.startsWith('packages/') && !/^packages\/(engine-tfjs|core|fs|image)\//.test(f))).toEqual([]);
});

const seq = (n: number, f: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => scale * Math.sin(i * f) + scale);

/** What the page computes (numbers as plain arrays: they cross the page boundary as JSON). */
interface PageOutcome {
  backend: string;
  /** Whether wasm had a Conv2DBackpropFilter kernel before and after biaflow's were installed. */
  filterGradKernel: [boolean, boolean];
  filterGrad: number[];
  built: { shape: number[]; data: number[] };
  loaded: { shape: number[]; data: number[]; architecture: string };
  refused: string;
}

const UNET_2D = { ndim: 2, inputChannels: 1, outputChannels: 2, outputActivation: 'softmax', featureMaps: [4, 8], seed: 3 } as const;
const IMAGE_2D = { data: seq(16 * 16, 0.21), shape: [1, 16, 16, 1] };
/** A 3D network whose 3D convolutions go through biaflow's wasm path; the volume is not a multiple of its size divisor. */
const RESUNET_3D = { architecture: 'resunet', ndim: 3, inputChannels: 1, outputChannels: 1, outputActivation: 'sigmoid', featureMaps: [4, 8], seed: 11 } as const;
const VOLUME = { data: Uint16Array.from(seq(5 * 10 * 14, 0.37, 900)), shape: [5, 10, 14, 1] };
const FILTER = { x: { data: seq(2 * 7 * 9 * 3, 0.13), shape: [2, 7, 9, 3] }, w: { data: seq(3 * 3 * 3 * 4, 0.71), shape: [3, 3, 3, 4] } };

describe('in headless Chromium, bundled with tfjs and its wasm backend', () => {
  let browser: OfflineBrowser;
  let page: Page;
  let bundleDir: string;
  let app: string;
  const blocked: string[] = [];
  const served: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await useWasm();
    bundleDir = path.join(tmpdir(), 'bundle');
    const model = buildModel(RESUNET_3D, tf);
    await saveModel(bundleDir, model, { normalization: { method: 'percentile' }, problem: 'semantic' });
    model.dispose();

    const result = await build({
      stdin: {
        contents: [
          "export * as engine from '@biaflow/engine-tfjs/browser';",
          "export * as tf from '@tensorflow/tfjs';",
          "export { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';",
        ].join('\n'),
        resolveDir: repo,
        sourcefile: 'app.js',
      },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'app',
      write: false,
      logLevel: 'silent',
    });
    app = result.outputFiles[0].text;

    browser = await launchOfflineChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // One made-up origin serves the page, the app, tfjs's wasm binaries and the bundle's files; any
    // other request is aborted and recorded.
    await page.route('**/*', async (route: Route) => {
      const url = new URL(route.request().url());
      const serve = (body: string | Buffer, contentType: string) => {
        served.push(url.pathname);
        return route.fulfill({ status: 200, body, contentType });
      };
      if (url.origin !== ORIGIN) {
        blocked.push(url.href);
        return route.abort('blockedbyclient');
      }
      if (url.pathname === '/') return serve('<!doctype html><meta charset="utf-8"><script src="/app.js"></script>', 'text/html');
      if (url.pathname === '/app.js') return serve(app, 'text/javascript');
      const wasm = /^\/wasm\/([\w.-]+\.wasm)$/.exec(url.pathname);
      if (wasm && fs.existsSync(path.join(wasmDir, wasm[1]))) return serve(fs.readFileSync(path.join(wasmDir, wasm[1])), 'application/wasm');
      const file = /^\/model\/([\w.-]+)$/.exec(url.pathname);
      if (file && fs.existsSync(path.join(bundleDir, file[1]))) return serve(fs.readFileSync(path.join(bundleDir, file[1])), 'application/octet-stream');
      blocked.push(url.href);
      return route.abort('blockedbyclient');
    });
    await page.goto(`${ORIGIN}/`, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('installs the kernels, builds a U-Net, loads a 3D bundle from its files and predicts as Node does', async () => {
    const outcome: PageOutcome = await page.evaluate(
      async ({ unet, image, filter, volume }) => {
        type Flat = { data: number[]; shape: number[] };
        const { engine, tf, setWasmPaths } = (window as unknown as { app: any }).app;
        // As a browser app sets up the wasm backend: biaflow's kernels and gradients first.
        const before = tf.getKernel('Conv2DBackpropFilter', 'wasm') != null;
        engine.installWasmKernels(tf);
        engine.installMissingGradients(tf);
        const after = tf.getKernel('Conv2DBackpropFilter', 'wasm') != null;
        setWasmPaths('/wasm/');
        if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');

        const x = tf.tensor(filter.x.data, filter.x.shape);
        const w = tf.tensor(filter.w.data, filter.w.shape);
        const r = tf.tensor(Array.from({ length: 2 * 7 * 9 * 4 }, (_, i) => Math.cos(i)), [2, 7, 9, 4]);
        const grad = tf.grad((wt: any) => tf.sum(tf.mul(tf.conv2d(x, wt, 1, 'same'), r)))(w);
        const filterGrad = Array.from((await grad.data()) as Float32Array);

        const model = engine.buildModel(unet, tf);
        const out = await engine.tfPredictor(tf, model)({ data: Float32Array.from(image.data), shape: image.shape });
        const built: Flat = { shape: out.shape, data: Array.from(out.data as Float32Array) };

        const files: Record<string, Uint8Array> = {};
        for (const name of ['model.json', 'weights.bin', 'biaflow.json']) files[name] = new Uint8Array(await (await fetch(`/model/${name}`)).arrayBuffer());
        const loaded = await engine.loadModelFromFiles(files, { source: '/model' });
        const prediction = await engine.predict(loaded, { data: Uint16Array.from(volume.data), shape: volume.shape });

        let refused = '';
        try {
          await engine.loadModelFromFiles({ ...files, 'weights.bin': files['weights.bin'].subarray(8) }, { source: '/model' });
        } catch (e) {
          refused = `${(e as Error).name}: ${(e as Error).message}`;
        }
        return {
          backend: tf.getBackend(),
          filterGradKernel: [before, after] as [boolean, boolean],
          filterGrad,
          built,
          loaded: { shape: prediction.shape, data: Array.from(prediction.data as Float32Array), architecture: loaded.meta.architecture },
          refused,
        };
      },
      {
        unet: UNET_2D,
        image: { data: Array.from(IMAGE_2D.data), shape: IMAGE_2D.shape },
        filter: { x: { data: Array.from(FILTER.x.data), shape: FILTER.x.shape }, w: { data: Array.from(FILTER.w.data), shape: FILTER.w.shape } },
        volume: { data: Array.from(VOLUME.data), shape: VOLUME.shape },
      },
    );
    expect(pageErrors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(outcome.backend).toBe('wasm');
    expect(served.filter((p) => p.endsWith('.wasm'))).toHaveLength(1);
    // tfjs-backend-wasm 4.22 has no filter gradient of a 2D convolution: biaflow's kernel gives it,
    // and it agrees with tfjs's own cpu kernel.
    expect(outcome.filterGradKernel).toEqual([false, true]);
    await tf.setBackend('cpu');
    const reference = tf.tidy(() => {
      const x = tf.tensor(FILTER.x.data, FILTER.x.shape as [number, number, number, number]);
      const r = tf.tensor(Array.from({ length: 2 * 7 * 9 * 4 }, (_, i) => Math.cos(i)), [2, 7, 9, 4]);
      return tf.grad((w) => tf.sum(tf.mul(tf.conv2d(x, w as never, 1, 'same'), r)))(tf.tensor(FILTER.w.data, FILTER.w.shape));
    });
    const cpuGrad = (await reference.data()) as Float32Array;
    reference.dispose();
    expect(outcome.filterGrad).toHaveLength(cpuGrad.length);
    expect(maxRelDiff(outcome.filterGrad, cpuGrad)).toBeLessThan(1e-5);

    // The same network built in Node (same seed, same backend) predicts the same values.
    await useWasm();
    const model = buildModel(UNET_2D, tf);
    const inNode = await tfPredictor(tf, model)(IMAGE_2D);
    model.dispose();
    expect(outcome.built.shape).toEqual([1, 16, 16, 2]);
    // Same wasm binary, one thread, same seeded weights: the very same numbers.
    expect(outcome.built.data).toEqual(Array.from(inNode.data));
    // softmax over two channels: not a constant output
    expect(Math.abs(outcome.built.data[0] + outcome.built.data[1] - 1)).toBeLessThan(1e-5);
    expect(new Set(outcome.built.data.map((v) => v.toFixed(4))).size).toBeGreaterThan(50);

    // The bundle Node saved, loaded in the browser from its bytes, predicts what loadModel + predict give in Node.
    const loaded = await loadModel(bundleDir);
    const expected = await predict(loaded, VOLUME);
    loaded.dispose();
    expect(outcome.loaded.architecture).toBe('resunet');
    expect(outcome.loaded.shape).toEqual([5, 10, 14, 1]);
    expect(outcome.loaded.data).toEqual(Array.from(expected.data));
    expect(new Set(outcome.loaded.data.map((v) => v.toFixed(4))).size).toBeGreaterThan(50);

    // Damaged weights are refused with a message naming the file.
    expect(outcome.refused).toMatch(/^InputError: \/model\/weights\.bin: holds \d+ bytes of weights where model\.json describes \d+$/);
  });
});

describe('loading a bundle from files in memory refuses bad files, naming them', () => {
  let files: Record<string, Uint8Array>;
  let dir: string;

  beforeAll(async () => {
    await useWasm();
    dir = path.join(tmpdir(), 'bundle');
    const model = buildModel({ ...UNET_2D, featureMaps: [2] }, tf);
    await saveModel(dir, model);
    model.dispose();
    files = Object.fromEntries(['model.json', 'weights.bin', 'biaflow.json'].map((f) => [f, new Uint8Array(fs.readFileSync(path.join(dir, f)))]));
  });

  const refusal = async (given: Record<string, Uint8Array>) => {
    const e = await loadModelFromFiles(given, { source: 'models/cells' }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(InputError);
    return { message: (e as InputError).message, file: (e as InputError).file, exitCode: (e as InputError).exitCode };
  };
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

  test('a missing file', async () => {
    const { 'weights.bin': _, ...rest } = files;
    expect(await refusal(rest)).toEqual({
      message: 'models/cells/model.json: names the weights file "weights.bin", which is not among the bundle\'s files ("model.json", "biaflow.json")',
      file: 'models/cells/model.json',
      exitCode: 2,
    });
    const { 'biaflow.json': __, ...noMeta } = files;
    expect((await refusal(noMeta)).message).toBe('models/cells/biaflow.json: is missing from the model bundle (files given: "model.json", "weights.bin")');
  });

  test('a biaflow.json of another format, a newer one, or not JSON', async () => {
    const meta = JSON.parse(new TextDecoder().decode(files['biaflow.json'])) as Record<string, unknown>;
    expect((await refusal({ ...files, 'biaflow.json': json({ ...meta, format: 'keras' }) })).message).toBe(
      'models/cells/biaflow.json: is not a biaflow model description (format "keras")',
    );
    expect((await refusal({ ...files, 'biaflow.json': json({ ...meta, format_version: 99 }) })).message).toMatch(
      /^models\/cells\/biaflow\.json: was written by a newer biaflow \(bundle format 99; this @biaflow\/core \S+ reads up to 1\)$/,
    );
    expect((await refusal({ ...files, 'biaflow.json': new TextEncoder().encode('{"format": ') })).message).toMatch(/^models\/cells\/biaflow\.json: cannot be read: /);
  });

  test('a loaded bundle predicts as the folder it came from', async () => {
    const fromFiles = await loadModelFromFiles(files);
    const image = { data: IMAGE_2D.data, shape: [16, 16, 1] };
    const a = await predict(fromFiles, image);
    const fromDir = await loadModel(dir);
    const b = await predict(fromDir, image);
    expect(fromFiles.meta).toEqual(fromDir.meta);
    expect(a.shape).toEqual([16, 16, 2]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    fromFiles.dispose();
    fromDir.dispose();
  });
});
