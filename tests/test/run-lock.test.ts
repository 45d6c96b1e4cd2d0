import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * One writer per run folder: real processes race for one folder. A second `--resume` or
 * `--overwrite` on a busy folder exits 2 naming the process that holds it, and the first run
 * finishes untouched; a lock left by a crash is recognised as stale and taken over.
 */
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const data = path.join(fixtures, 'nuclei2d');
const LOCK = '.biaflow.lock';

const config = `problem: { type: instance }
system: { backend: wasm, seed: 1 }
data:
  train: { images: ${data}/train/images, labels: ${data}/train/labels }
  val: { split: 0.5 }
  patch_size: [64, 64]
model: { feature_maps: [16, 32] }
train: { epochs: 3, batch_size: 4, steps_per_epoch: 25 }
`;

interface Finished {
  code: number | null;
  stderr: string;
}

function start(args: string[], cwd: string): { pid: number; done: Promise<Finished> } {
  const child = spawn(process.execPath, [bin, ...args, '--log-level', 'warn'], { cwd });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  return { pid: child.pid as number, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr }))) };
}

function run(args: string[], cwd: string): Finished {
  const r = spawnSync(process.execPath, [bin, ...args, '--log-level', 'warn'], { cwd, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

async function until(test: () => boolean, what: string, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!test()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function logEvents(runDir: string): string[] {
  return fs
    .readFileSync(path.join(runDir, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).event as string);
}

function setup(): { dir: string; runDir: string } {
  const dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'c.yaml'), config);
  return { dir, runDir: path.join(dir, 'run') };
}

test('a second --resume on a busy folder exits 2 naming the running process; the first run finishes alone', async () => {
  const { dir, runDir } = setup();
  const first = start(['train', '--config', 'c.yaml', '--out', 'run'], dir);
  await until(() => fs.existsSync(path.join(runDir, 'log.jsonl')) && logEvents(runDir).includes('model'), 'the first run to start training');
  const second = run(['train', '--resume', '--out', 'run'], dir);
  expect(second.code).toBe(2);
  expect(second.stderr).toContain(`run folder ${runDir} is in use by process ${first.pid} on ${os.hostname()} (biaflow train`);
  const done = await first.done;
  expect(done.code).toBe(0);
  // One run wrote the log: one start, every epoch once.
  const events = logEvents(runDir);
  expect(events.filter((e) => e === 'run-start')).toHaveLength(1);
  expect(events.filter((e) => e === 'epoch')).toHaveLength(3);
  expect(fs.existsSync(path.join(runDir, LOCK))).toBe(false);
});

test('--overwrite from a second process never deletes a running run\'s files', async () => {
  const { dir, runDir } = setup();
  const first = start(['train', '--config', 'c.yaml', '--out', 'run'], dir);
  await until(() => fs.existsSync(path.join(runDir, 'split.json')), 'the first run to write split.json');
  const second = run(['train', '--config', 'c.yaml', '--out', 'run', '--overwrite'], dir);
  expect(second.code).toBe(2);
  expect(second.stderr).toContain(`is in use by process ${first.pid}`);
  expect(fs.existsSync(path.join(runDir, 'split.json'))).toBe(true);
  expect((await first.done).code).toBe(0);
  for (const f of ['config.yaml', 'split.json', 'train_metrics.csv', 'model/biaflow.json']) expect(fs.existsSync(path.join(runDir, f))).toBe(true);
});

test('a lock left by a crash is stale: its process is gone from this host, or its heartbeat stopped on another host', () => {
  const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid as number;
  const now = new Date().toISOString();
  const old = new Date(Date.now() - 120_000).toISOString();
  const holders = [
    { pid: dead, host: os.hostname(), command: 'train', started: now, heartbeat: now },
    { pid: 4242, host: 'another-host', command: 'train', started: old, heartbeat: old },
  ];
  for (const holder of holders) {
    const { dir, runDir } = setup();
    fs.mkdirSync(runDir);
    fs.writeFileSync(path.join(runDir, LOCK), JSON.stringify(holder));
    const trained = run(['train', '--config', 'c.yaml', '--out', 'run', '--set', 'train.epochs=1', '--set', 'train.steps_per_epoch=1'], dir);
    expect(trained).toEqual({ code: 0, stderr: '' });
    expect(fs.existsSync(path.join(runDir, 'model/biaflow.json'))).toBe(true);
  }
});

test('a live lock of another host sharing the folder is respected', () => {
  const { dir, runDir } = setup();
  fs.mkdirSync(runDir);
  const now = new Date().toISOString();
  fs.writeFileSync(path.join(runDir, LOCK), JSON.stringify({ pid: 4242, host: 'another-host', command: 'predict', started: now, heartbeat: now }));
  const r = run(['train', '--config', 'c.yaml', '--out', 'run'], dir);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('is in use by process 4242 on another-host (biaflow predict');
  expect(fs.readdirSync(runDir)).toEqual([LOCK]);
});
