import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { biaflow, fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * A run killed (SIGKILL) while predicting, then resumed, ends with exactly the outputs of an
 * uninterrupted run, and the resumed run predicts only the images the killed one had not finished.
 */
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const nuclei = path.join(fixtures, 'nuclei2d');
const bundled = path.join(repo, 'examples/data/nuclei2d-mini/test');

const config = (testDir: string) => `
problem: { type: instance, ndim: 2 }
system: { backend: wasm, seed: 5, threads: 1 }
data:
  train: { images: ${nuclei}/train/images, labels: ${nuclei}/train/labels }
  val: { split: 0.5 }
  test: { images: ${testDir}/images, labels: ${testDir}/labels }
  patch_size: [32, 32]
instance: { channels: BC }
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 1, batch_size: 2, steps_per_epoch: 2 }
predict: { batch_size: 1 }
`;

function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const sub of ['predictions', 'probabilities']) {
    for (const f of fs.readdirSync(path.join(dir, sub)).sort()) out.set(`${sub}/${f}`, fs.readFileSync(path.join(dir, sub, f)));
  }
  out.set('objects.csv', fs.readFileSync(path.join(dir, 'objects.csv')));
  out.set('metrics.json', fs.readFileSync(path.join(dir, 'metrics.json')));
  return out;
}

test('prediction killed part-way and resumed gives the outputs of an uninterrupted run', async () => {
  const dir = tmpdir();
  // Twelve 256×256 test images (the bundled four, three times under other names), so the kill lands mid-way.
  const testDir = path.join(dir, 'test');
  for (const kind of ['images', 'labels']) {
    fs.mkdirSync(path.join(testDir, kind), { recursive: true });
    for (const f of fs.readdirSync(path.join(bundled, kind))) {
      for (const copy of ['a', 'b', 'c']) fs.copyFileSync(path.join(bundled, kind, f), path.join(testDir, kind, `${copy}-${f}`));
    }
  }
  fs.writeFileSync(path.join(dir, 'config.yaml'), config(testDir));
  biaflow(['train', '--config', 'config.yaml', '--out', 'trained', '--log-level', 'warn'], dir);
  const model = path.join(dir, 'trained/model');

  biaflow(['predict', '--config', 'config.yaml', '--set', `model.load=${model}`, '--out', 'whole', '--log-level', 'warn'], dir);

  // Start the same prediction and kill it once some, but not all, results exist.
  const killed = path.join(dir, 'killed');
  const child = spawn(process.execPath, [bin, 'predict', '--config', 'config.yaml', '--set', `model.load=${model}`, '--out', 'killed', '--log-level', 'warn'], {
    cwd: dir,
    stdio: 'ignore',
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  const done = () => (fs.existsSync(path.join(killed, 'predictions')) ? fs.readdirSync(path.join(killed, 'predictions')).filter((f) => f.endsWith('.tif')).length : 0);
  while (done() < 3) {
    if (child.exitCode !== null) throw new Error('prediction finished before it could be killed');
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  const before = done();
  expect(before).toBeGreaterThanOrEqual(3);
  expect(before).toBeLessThan(12);
  // Nothing half-written: no temporary files are left as results.
  expect(fs.readdirSync(path.join(killed, 'predictions')).every((f) => f.endsWith('.tif') || f.startsWith('.'))).toBe(true);

  biaflow(['predict', '--resume', '--out', 'killed', '--log-level', 'warn'], dir);
  const log = fs.readFileSync(path.join(killed, 'log.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const resumedRun = log.slice(log.map((e) => e.event).lastIndexOf('run-start'));
  expect(resumedRun.find((e) => e.event === 'resume-skip')?.skipped).toBe(before);
  expect(resumedRun.filter((e) => e.event === 'predicted').length).toBe(12 - before);

  const whole = filesOf(path.join(dir, 'whole'));
  const resumed = filesOf(killed);
  expect([...resumed.keys()]).toEqual([...whole.keys()]);
  expect(whole.size).toBe(2 * 12 + 2);
  for (const [name, bytes] of whole) expect({ name, same: resumed.get(name)!.equals(bytes) }).toEqual({ name, same: true });
});
