import path from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';

// @biaflow/image must run in a browser: bundled for the browser platform from its source, nothing
// of Node may be pulled in, and the bundle must work with no Node globals around it.

const entry = path.join(__dirname, '..', 'src', 'index.ts');

test('bundles for the browser with no Node input, and the bundle labels an image', async () => {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'biaflowImage',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs.length).toBeGreaterThan(10);
  expect(inputs.filter((f) => f.startsWith('node:') || /(^|\/)node_modules\//.test(f))).toEqual([]);
  expect(inputs.every((f) => f.startsWith('packages/image/src/'))).toBe(true);

  // Run the bundle in a bare context: no require, process, Buffer or module.
  const code = result.outputFiles[0].text;
  const context = vm.createContext({});
  vm.runInContext(`${code}\nthis.result = biaflowImage.label({ data: new Uint8Array([1,1,0,0, 0,0,0,1, 1,0,0,1]), shape: [3, 4] });`, context);
  const labelled = context.result as { data: ArrayLike<number>; shape: number[] };
  expect(labelled.shape).toEqual([3, 4]);
  // Two pixels at the top left, the right-hand column, and the lone corner pixel: three objects.
  expect(Array.from(labelled.data)).toEqual([1, 1, 0, 0, 0, 0, 0, 2, 3, 0, 0, 2]);
});
