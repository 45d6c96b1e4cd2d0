import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tmpdir } from './helpers';

/**
 * `biaflow train` killed with SIGKILL in the middle of its run, then `biaflow train --resume
 * --out RUN_DIR`, must end with the per-epoch losses of an uninterrupted run with the same seed.
 * The training comes from a test plugin (fixtures/train-plugin.js, listed by relative path in
 * fixtures/resume.config.yaml): a small U-Net with dropout, AdamW and warm-up + cosine schedule
 * on generated blob images, 8 epochs of 4 steps.
 */
const bin = path.resolve(__dirname, '../../../biaflow/dist/bin.js');
const config = path.join(__dirname, 'fixtures', 'resume.config.yaml');

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function biaflow(args: string[], cwd: string) {
  const child = spawn(process.execPath, [bin, ...args, '--log-level', 'info'], { cwd, env: { ...process.env, BIAFLOW_DEBUG: '' } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  child.stdout.resume();
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  return { child, done };
}

function checkpointEpoch(runDir: string): number {
  try {
    return (JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoints/last/training_state.json'), 'utf8')) as { epoch: number }).epoch;
  } catch {
    return 0; // not written yet, or the folder is being swapped
  }
}

function readCsv(file: string): Record<string, number>[] {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], Number(v)])));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a SIGKILLed training resumes with --resume and gives the losses of an uninterrupted seeded run', async () => {
  const dir = tmpdir('biaflow-resume-');
  const reference = biaflow(['train', '--config', config, '--out', 'reference'], dir);
  const victim = biaflow(['train', '--config', config, '--out', 'killed'], dir);
  const killedDir = path.join(dir, 'killed');

  // Kill once the checkpoint of epoch 2 exists, a little into epoch 3.
  let exited: Finished | undefined;
  void victim.done.then((r) => (exited = r));
  const deadline = Date.now() + 90_000;
  while (checkpointEpoch(killedDir) < 2) {
    if (exited) throw new Error(`the training exited before its second checkpoint (code ${exited.code}):\n${exited.stderr}`);
    if (Date.now() > deadline) throw new Error('no checkpoint of epoch 2 after 90 s');
    await sleep(10);
  }
  await sleep(40);
  victim.child.kill('SIGKILL');
  const killed = await victim.done;
  expect(killed.signal).toBe('SIGKILL');
  // The run really was cut short: the final model is written only after the last epoch.
  expect(fs.existsSync(path.join(killedDir, 'model'))).toBe(false);

  // The run's saved config names its test plugin by path: a path runs only when the person passes it again.
  const resumed = await biaflow(['train', '--resume', '--out', 'killed', '--plugin', path.join(__dirname, 'fixtures', 'train-plugin.js')], dir).done;
  expect(resumed.code).toBe(0);
  // (Read from the log: a kill inside a checkpoint swap leaves checkpoints/last to be recovered by the resume.)
  const epochAtKill = Number(/resuming after epoch (\d+)/.exec(resumed.stderr)?.[1]);
  expect(epochAtKill).toBeGreaterThanOrEqual(2);
  expect(epochAtKill).toBeLessThan(8);
  const ref = await reference.done;
  expect(ref.code).toBe(0);

  const a = readCsv(path.join(killedDir, 'train_metrics.csv'));
  const b = readCsv(path.join(dir, 'reference', 'train_metrics.csv'));
  expect(a.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  expect(b.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  for (let i = 0; i < 8; i++) {
    for (const k of ['loss', 'val_loss', 'lr']) {
      expect(Math.abs(a[i][k] - b[i][k]) / Math.abs(b[i][k])).toBeLessThanOrEqual(1e-4);
    }
  }
  // Training did learn something (the comparison is not between two constant runs).
  expect(b[7].loss).toBeLessThan(b[0].loss * 0.6);
  expect(fs.existsSync(path.join(killedDir, 'model', 'biaflow.json'))).toBe(true);
});
