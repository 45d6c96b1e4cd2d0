import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { mounts } from '../../packages/fs/test/mounts';
import { fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * Operating-system faults through the real CLI, on real file systems (a /proc path, a read-only
 * bind mount, a tiny tmpfs that fills up mid-run), a closed stdout, stale temporary files, and a
 * real SIGKILL between the two renames of the final model re-save (the BIAFLOW_FAULT_AT hook).
 * The runs are a tiny U-Net on the real 64×64 nuclei crops: a few seconds each.
 */
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const nuclei = path.join(fixtures, 'nuclei2d');

const config = (epochs: number) => `
problem: { type: instance, ndim: 2 }
system: { backend: wasm, seed: 3, threads: 1 }
data:
  train: { images: ${nuclei}/train/images, labels: ${nuclei}/train/labels }
  val: { split: 0.5 }
  test: { images: ${nuclei}/test/images, labels: ${nuclei}/test/labels }
  patch_size: [32, 32]
instance: { channels: BC }
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: ${epochs}, batch_size: 2, steps_per_epoch: 3 }
`;

interface Result {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** The CLI in a child process (never throws on a non-zero status: the status is what is tested). */
function cli(args: string[], cwd: string, env: Record<string, string> = {}, timeout = 120_000): Result {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout, env: { ...process.env, BIAFLOW_DEBUG: '', ...env } });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, seconds: (Date.now() - t0) / 1000 };
}

/** Temporary entries (`.name.tmp-<pid>-<n>`) anywhere under `dir`. */
function temporaries(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (/\.tmp-\d+-\d+$/.test(e.name)) out.push(path.relative(dir, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

const deadPid = () => spawnSync('true').pid as number;

const m = mounts();
let dir: string;
let live: ChildProcess;

beforeAll(() => {
  dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'config.yaml'), config(2));
  fs.writeFileSync(path.join(dir, 'one-epoch.yaml'), config(1));
  live = spawn('sleep', ['600'], { stdio: 'ignore' });
});

afterAll(() => {
  m.unmountAll();
  live.kill('SIGKILL');
});

test('--out in /proc exits 2 within 5 s, naming the path (no recursive-mkdir loop)', () => {
  const r = cli(['run', '--config', 'config.yaml', '--out', '/proc/biaflow-x'], dir, {}, 5_000);
  expect(r.signal).toBeNull();
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('error: --out /proc/biaflow-x is on the proc pseudo file system');
  expect(r.seconds).toBeLessThan(5);
});

test('--out on a read-only mount exits 2 before any work, naming the path and "read-only"', () => {
  const src = path.join(dir, 'ro-src');
  fs.mkdirSync(src);
  const ro = m.readOnly(src, path.join(dir, 'ro'));
  const r = cli(['run', '--config', 'config.yaml', '--out', 'ro/run'], dir);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe(
    `error: --out ${ro}/run cannot be created: read-only file system\n` + 'hint: write the outputs to a folder on a writable file system (--out)\n',
  );
});

test('a disk that fills up mid-run: exit 1 naming the file and "no space left", no temporary file left; --resume finishes once there is space', () => {
  const disk = m.tmpfs(path.join(dir, 'small'), '256k');
  const runDir = path.join(disk, 'run');
  const r = cli(['run', '--config', 'config.yaml', '--out', runDir, '--log-level', 'warn'], dir);
  expect(r.status).toBe(1);
  const named = /^error: no space left on device while writing (\S+)$/m.exec(r.stderr)?.[1];
  expect(named).toBeDefined();
  expect(named!.startsWith(`${runDir}/`)).toBe(true);
  expect(named).not.toMatch(/\.tmp-/);
  expect(r.stderr).not.toContain('plugin');
  expect(r.stderr).toContain(`hint: free space on the disk that holds`);
  // Work had started (the fault is mid-run, not at the start), and nothing half-written remains.
  expect(fs.existsSync(path.join(runDir, 'split.json'))).toBe(true);
  expect(temporaries(disk)).toEqual([]);

  m.resize(disk, '4m');
  const resumed = cli(['run', '--resume', '--out', runDir, '--log-level', 'warn'], dir);
  expect(resumed.status).toBe(0);
  expect(fs.existsSync(path.join(runDir, 'metrics.json'))).toBe(true);
  expect(fs.existsSync(path.join(runDir, 'model', 'biaflow.json'))).toBe(true);
  expect(temporaries(disk)).toEqual([]);
});

test('a closed stdout (`biaflow … | true`) ends quietly with the run\'s own status', () => {
  // bash: the status of the left side of the pipe, not of `true`.
  const piped = (args: string) => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" ${args} | true; exit \${PIPESTATUS[0]}`], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, BIAFLOW_DEBUG: '' },
    });
    return { status: r.status, stderr: r.stderr };
  };
  const ok = piped('run --config config.yaml --out piped --log-level warn');
  expect(ok).toEqual({ status: 0, stderr: '' });
  expect(fs.existsSync(path.join(dir, 'piped', 'metrics.json'))).toBe(true);
  const listing = piped('plugins');
  expect(listing).toEqual({ status: 0, stderr: '' });
  const bad = piped('run --config config.yaml --out piped');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toContain('already holds a run');

  // stdout and stderr both closed before the child writes a byte.
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'run', '--config', 'config.yaml', '--out', 'closed'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    child.stderr.destroy();
    child.on('error', reject);
    child.on('close', (status, signal) => {
      try {
        expect({ status, signal }).toEqual({ status: 0, signal: null });
        expect(fs.existsSync(path.join(dir, 'closed', 'metrics.json'))).toBe(true);
        resolve();
      } catch (e) {
        reject(e);
      }
    });
  });
});

test('stale temporary files are removed by --resume and by a successful run; a live process\'s are not', async () => {
  const runDir = path.join(dir, 'piped');
  const dead = deadPid();
  const other = live.pid as number;
  const stale = [`.metrics.json.tmp-${dead}-0`, `predictions/.003cee89357d.tif.tmp-${dead}-1`, `checkpoints/.last.tmp-${dead}-2`];
  fs.writeFileSync(path.join(runDir, stale[0]), '{"truncat');
  fs.writeFileSync(path.join(runDir, stale[1]), 'II*');
  fs.mkdirSync(path.join(runDir, stale[2]));
  fs.writeFileSync(path.join(runDir, stale[2], 'weights.bin'), '');
  const busy = `.objects.csv.tmp-${other}-3`;
  fs.writeFileSync(path.join(runDir, busy), 'image,label');
  expect(temporaries(runDir)).toEqual([...stale, busy].sort());

  const r = cli(['run', '--resume', '--out', 'piped', '--log-level', 'warn'], dir);
  expect(r.status).toBe(0);
  expect(temporaries(runDir)).toEqual([busy]);
  for (const f of stale) expect(r.stderr).toContain(`removed the leftover ${f}`);

  // A new run: a stale file appears while it works (as after a crash of a process that shared the folder).
  const fresh = path.join(dir, 'fresh');
  const child = spawn(process.execPath, [bin, 'run', '--config', 'config.yaml', '--out', 'fresh', '--log-level', 'warn'], { cwd: dir, stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const planted = `.split.json.tmp-${dead}-7`;
  while (!fs.existsSync(path.join(fresh, 'config.yaml'))) {
    if (child.exitCode !== null) throw new Error('the run ended before a stale file could be planted');
    await new Promise((res) => setTimeout(res, 5));
  }
  fs.writeFileSync(path.join(fresh, planted), '{');
  expect(fs.readFileSync(path.join(fresh, 'log.jsonl'), 'utf8')).not.toContain('"run-end"');
  expect(await exited).toBe(0);
  expect(temporaries(fresh)).toEqual([]);
  expect(fs.readFileSync(path.join(fresh, 'log.jsonl'), 'utf8')).toContain(`removed the leftover ${planted}`);
});

test('a SIGKILL between the two renames of the final model re-save: the next start restores model/ (the new best) and finishes', () => {
  const runDir = path.join(dir, 'resaved');
  // One epoch, then resumed to two: the second epoch improves, so the re-saved model differs from the first.
  expect(cli(['run', '--config', 'one-epoch.yaml', '--out', 'resaved', '--log-level', 'warn'], dir).status).toBe(0);
  const first = fs.readFileSync(path.join(runDir, 'model', 'weights.bin'));

  const killed = cli(['run', '--resume', '--out', 'resaved', '--set', 'train.epochs=2'], dir, { BIAFLOW_FAULT_AT: 'replace-dir:model' });
  expect(killed.signal).toBe('SIGKILL');
  expect(killed.stderr).toMatch(/epoch 2\/2 .* \*\n/); // improved: checkpoints/best is new
  const best = path.join(runDir, 'checkpoints', 'best');
  expect(fs.readFileSync(path.join(best, 'weights.bin')).equals(first)).toBe(false);
  // What the kill left: the results of the earlier run, and model/ only under temporary names.
  expect(fs.existsSync(path.join(runDir, 'metrics.json'))).toBe(true);
  expect(fs.existsSync(path.join(runDir, 'model'))).toBe(false);
  expect(temporaries(runDir).filter((t) => t.startsWith('.model.tmp-'))).toHaveLength(2);

  const next = cli(['predict', '--resume', '--out', 'resaved', '--log-level', 'warn'], dir);
  expect(next.status).toBe(0);
  expect(next.stderr).toMatch(/restored model from \.model\.tmp-\d+-\d+, left by an interrupted write/);
  for (const f of ['weights.bin', 'model.json', 'biaflow.json']) {
    expect({ f, same: fs.readFileSync(path.join(runDir, 'model', f)).equals(fs.readFileSync(path.join(best, f))) }).toEqual({ f, same: true });
  }
  expect(temporaries(runDir)).toEqual([]);
  expect(fs.existsSync(path.join(runDir, 'metrics.json'))).toBe(true);
});
