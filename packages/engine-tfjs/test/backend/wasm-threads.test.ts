import { spawnSync } from 'node:child_process';
import { selectBackend } from '@biaflow/engine-tfjs';
import { wasmThreadCount } from '@biaflow/engine-tfjs/internals';
import { parity, tf, TOLERANCE, values } from './parity';

// The threaded wasm build, started from a real worker file (see backend/wasm-threads).

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tf = typeof tf;

// conv → pool → transposed conv → concat: the kernels a U-Net step runs. Self-contained (the
// single-threaded child process below runs its source).
function block(t: Tf, x: Tensor, w1: Tensor, w2: Tensor): Tensor {
  const a = t.relu(t.conv2d(x as never, w1 as never, 1, 'same'));
  const p = t.maxPool(a as never, 2, 2, 'valid');
  const u = t.conv2dTranspose(p as never, w2 as never, [2, 16, 16, 4], 2, 'same');
  return t.concat([u, a], 3);
}

const SHAPES = [
  [2, 16, 16, 3],
  [3, 3, 3, 4],
  [2, 2, 4, 4],
];

/** The bytes of the block's gradients w.r.t. all inputs, as hex. */
async function gradientBytes(t: Tf, vals: (n: number, seed: number) => Float32Array, shapes: number[][], f: typeof block): Promise<string> {
  const xs = shapes.map((s, i) => t.tensor(vals(s.reduce((a, b) => a * b, 1), i + 1), s));
  const grads = t.grads((...a: Tensor[]) => t.sum(t.square(f(t, a[0], a[1], a[2]))))(xs);
  const parts: string[] = [];
  for (const g of grads) parts.push(Buffer.from(((await g.data()) as Float32Array).buffer).toString('hex'));
  t.dispose([...xs, ...grads]);
  return parts.join('|');
}

/** The same, computed by a fresh process on the single-threaded build. */
function singleThreadedBytes(): string {
  const script = `
    const core = require(${JSON.stringify(require.resolve('@biaflow/engine-tfjs/internals'))});
    const values = ${values.toString()};
    const block = ${block.toString()};
    const gradientBytes = ${gradientBytes.toString()};
    (async () => {
      const tf = core.loadTf();
      const r = await core.selectBackend(tf, 'wasm', undefined, { threads: 1 });
      if (r.threads !== 1) throw new Error('expected one thread, got ' + r.threads);
      process.stdout.write(await gradientBytes(tf, values, ${JSON.stringify(SHAPES)}, block));
    })().catch((e) => { console.error(e); process.exit(1); });
  `;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

test('the wasm backend runs on two threads when asked', async () => {
  const warnings: string[] = [];
  const r = await selectBackend(tf, 'wasm', { warn: (m: string) => warnings.push(m) } as never, { threads: 2 });
  expect(warnings).toEqual([]);
  expect(r.name).toBe('wasm');
  expect(r.threads).toBe(2);
  expect(wasmThreadCount(tf)).toBe(2);
});

test('with two threads, gradients match the cpu backend', async () => {
  const errors = await parity(SHAPES, (x, w1, w2) => block(tf, x, w1, w2));
  for (const e of errors) expect(e).toBeLessThan(TOLERANCE);
});

test('two threads give bit-identical gradients to one thread', async () => {
  await tf.setBackend('wasm');
  const twoThreads = await gradientBytes(tf, values, SHAPES, block);
  expect(twoThreads.length).toBeGreaterThan(1000);
  expect(twoThreads).toBe(singleThreadedBytes());
});
