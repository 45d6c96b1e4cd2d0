import os from 'node:os';
import { loadTf, selectBackend } from '@biaflow/engine-tfjs';

const tf = loadTf();

function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

test('auto picks wasm when no tfjs-node package is installed, on every core (at most 8)', async () => {
  const warnings: string[] = [];
  const r = await selectBackend(tf, 'auto', { warn: (m: string) => warnings.push(m) } as never);
  if (installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node')) {
    expect(r.choice).toMatch(/^tensorflow/);
    return;
  }
  expect(warnings).toEqual([]);
  expect(r.choice).toBe('wasm');
  expect(tf.getBackend()).toBe('wasm');
  expect(r.reason).toContain('@tensorflow/tfjs-node not installed');
  expect(r.threads).toBe(Math.min(8, os.availableParallelism()));
});
