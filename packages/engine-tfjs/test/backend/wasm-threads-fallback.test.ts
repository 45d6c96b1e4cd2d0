import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadTf } from '@biaflow/engine-tfjs';
import { prepareWasmBackend, wasmThreadCount } from '@biaflow/engine-tfjs/internals';
// Internal: the loader, to start it with a worker file that fails.
import { useThreadedWasm } from '@biaflow/engine-tfjs/internals';

const tf = loadTf();

test('when the pthread workers fail, the wasm backend still starts, on one thread, with a warning', async () => {
  await prepareWasmBackend(tf); // kernels, single-threaded
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-threads-'));
  const broken = path.join(dir, 'worker.js');
  fs.writeFileSync(broken, "throw new Error('broken worker');\n"); // left in the temp folder: workers start late
  const warnings: string[] = [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  useThreadedWasm(tf, require('@tensorflow/tfjs-backend-wasm'), 2, (m) => warnings.push(m), broken);
  expect(await tf.setBackend('wasm')).toBe(true);
  expect(tf.getBackend()).toBe('wasm');
  expect(wasmThreadCount(tf)).toBe(1);
  expect(warnings.join('\n')).toMatch(/threaded wasm backend did not start .*broken worker.*; using one thread/);
  const y = tf.conv2d(tf.ones([1, 4, 4, 1]), tf.ones([3, 3, 1, 1]), 1, 'same');
  expect(Array.from(await y.data()).slice(0, 4)).toEqual([4, 6, 6, 4]);
});
