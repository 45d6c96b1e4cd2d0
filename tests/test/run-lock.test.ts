import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * One writer per run folder: real processes race for one folder. A second `--resume` or
 * `--overwrite` on a busy folder exits 2 naming the process that holds it, and the first run
 * finishes untouched, also when it was stopped (SIGSTOP) past the stale time; a lock left by a
 * crash (or naming a reused process id, or silent on another host) is recognised as stale and
 * taken over; a process whose lock another took stops. Linux: the tests read /proc themselves.
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

function start(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { pid: number; done: Promise<Finished> } {
  const child = spawn(process.execPath, [bin, ...args, '--log-level', 'warn'], { cwd, env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  return { pid: child.pid as number, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr }))) };
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Finished {
  const r = spawnSync(process.execPath, [bin, ...args, '--log-level', 'warn'], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
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

/** Every entry under `dir` with its size and modification time. */
function snapshot(dir: string): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const st = fs.lstatSync(path.join(dir, name));
    out[name] = [st.isDirectory() ? 0 : st.size, st.mtimeMs];
  }
  return out;
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

/** This machine's process table as /proc tells it (read here, independently of biaflow's own reading). */
const bootId = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const pidNamespace = fs.readlinkSync('/proc/self/ns/pid');
/** Field 22 of /proc/<pid>/stat: the process's start time in clock ticks since boot. */
function startTicks(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function plantLock(runDir: string, holder: object, mtime?: Date): void {
  fs.mkdirSync(runDir, { recursive: true });
  const file = path.join(runDir, LOCK);
  fs.writeFileSync(file, JSON.stringify(holder));
  if (mtime) fs.utimesSync(file, mtime, mtime);
}

function lockEvents(runDir: string): { event: string; reason?: string }[] {
  return fs
    .readFileSync(path.join(runDir, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((e) => e.event === 'lock-taken-over');
}

test('a lock whose holder is gone is taken over, with the reason logged: a dead process, a reused process id, a silent other host, a heartbeat in the future on a file not written for minutes', () => {
  const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid as number;
  const now = new Date().toISOString();
  const old = new Date(Date.now() - 120_000);
  const here = { host: os.hostname(), bootId, pidNamespace };
  const cases: { holder: object; mtime?: Date; reason: string | RegExp }[] = [
    { holder: { pid: dead, ...here, command: 'train', started: now, heartbeat: now }, reason: `process ${dead} on ${os.hostname()} is no longer running` },
    // A live process (this test's own) that is not the holder: it started at another time than the one recorded.
    {
      holder: { pid: process.pid, ...here, processStart: '1', command: 'train', started: now, heartbeat: now },
      reason: `process ${process.pid} on ${os.hostname()} is no longer running: process ${process.pid} now is another process (started at tick ${startTicks(process.pid)} since boot, the holder at tick 1)`,
    },
    { holder: { pid: 4242, host: 'another-host', command: 'train', started: old.toISOString(), heartbeat: old.toISOString() }, reason: `its last heartbeat (${old.toISOString()}) is older than 60 s` },
    {
      holder: { pid: 4242, host: 'another-host', command: 'train', started: now, heartbeat: '2099-01-01T00:00:00.000Z' },
      mtime: old,
      reason: /^its heartbeat \(2099-01-01T00:00:00\.000Z\) is not a past time, and the lock file was last written 1[2-9]\d s ago \(more than 60 s\)$/,
    },
  ];
  for (const { holder, mtime, reason } of cases) {
    const { dir, runDir } = setup();
    plantLock(runDir, holder, mtime);
    const trained = run(['train', '--config', 'c.yaml', '--out', 'run', '--set', 'train.epochs=1', '--set', 'train.steps_per_epoch=1'], dir);
    expect(trained.code).toBe(0);
    const taken = lockEvents(runDir);
    expect(taken).toEqual([expect.objectContaining({ reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) })]);
    expect(trained.stderr).toContain(`took over the run folder's lock: ${taken[0].reason}`);
    expect(fs.existsSync(path.join(runDir, 'model/biaflow.json'))).toBe(true);
    expect(fs.existsSync(path.join(runDir, LOCK))).toBe(false);
  }
});

test('a live process on this host keeps its lock whatever its heartbeat; a heartbeat in the future on a freshly written lock is not taken over', () => {
  const ancient = new Date(Date.now() - 7_200_000).toISOString();
  const refusals = [
    // This test's own process, its start time as recorded: alive, silent for two hours.
    { holder: { pid: process.pid, host: os.hostname(), bootId, pidNamespace, processStart: startTicks(process.pid), command: 'predict', started: ancient, heartbeat: ancient }, says: `is in use by process ${process.pid} on ${os.hostname()} (biaflow predict, since ${ancient}), which is alive but not responding: no heartbeat for 72` },
    { holder: { pid: 4242, host: 'another-host', command: 'predict', started: ancient, heartbeat: '2099-01-01T00:00:00.000Z' }, says: `is in use by process 4242 on another-host (biaflow predict, since ${ancient})` },
  ];
  for (const { holder, says } of refusals) {
    const { dir, runDir } = setup();
    plantLock(runDir, holder);
    const planted = fs.readFileSync(path.join(runDir, LOCK), 'utf8');
    const r = run(['train', '--config', 'c.yaml', '--out', 'run', '--overwrite'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(says);
    expect(fs.readdirSync(runDir)).toEqual([LOCK]);
    expect(fs.readFileSync(path.join(runDir, LOCK), 'utf8')).toBe(planted);
  }
});

test('a stopped process (SIGSTOP) keeps its lock past the stale time: --overwrite is refused naming it, and once resumed it finishes its run whole', async () => {
  const { dir, runDir } = setup();
  // Tests only: another host's lock is stale after 1 s instead of 60 s (heartbeats every 167 ms).
  const env = { BIAFLOW_TEST_LOCK_STALE_MS: '1000' };
  const first = start(['train', '--config', 'c.yaml', '--out', 'run', '--set', 'train.epochs=2', '--set', 'train.steps_per_epoch=3'], dir, env);
  let stopped = false;
  try {
    await until(() => fs.existsSync(path.join(runDir, 'split.json')), 'the first run to hold the lock and write split.json');
    process.kill(first.pid, 'SIGSTOP');
    stopped = true;
    await new Promise((r) => setTimeout(r, 1_500));
    const before = snapshot(runDir);
    const second = run(['train', '--config', 'c.yaml', '--out', 'run', '--overwrite', '--set', 'system.seed=2'], dir, env);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`error: run folder ${runDir} is in use by process ${first.pid} on ${os.hostname()} (biaflow train, since `);
    expect(second.stderr).toMatch(/which is alive but not responding: it is stopped \(Ctrl-Z or kill -STOP\), no heartbeat for \d+ s/);
    expect(second.stderr).toContain(`hint: resume it (kill -CONT ${first.pid}, or fg in the shell that started it) and let it finish, or end it (kill -KILL ${first.pid})`);
    expect(snapshot(runDir)).toEqual(before);
  } finally {
    if (stopped) process.kill(first.pid, 'SIGCONT');
  }
  const done = await first.done;
  expect(done.code).toBe(0);
  // One run's files, all of them: its config, one start in the log, both epochs, its model and checkpoints.
  expect(fs.readFileSync(path.join(runDir, 'config.yaml'), 'utf8')).toMatch(/seed: 1\n/);
  const events = logEvents(runDir);
  expect(events.filter((e) => e === 'run-start')).toHaveLength(1);
  expect(events.filter((e) => e === 'epoch')).toHaveLength(2);
  const rows = fs.readFileSync(path.join(runDir, 'train_metrics.csv'), 'utf8').trim().split('\n');
  expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(['1', '2']);
  for (const f of ['model/biaflow.json', 'checkpoints/last', 'split.json']) expect(fs.existsSync(path.join(runDir, f))).toBe(true);
  expect(fs.existsSync(path.join(runDir, LOCK))).toBe(false);
});

test('a lock file removed under a live run is made again; a process whose lock another took stops at its next safe point with exit 1 naming the new holder, and leaves that lock alone', async () => {
  const { dir, runDir } = setup();
  // Heartbeats every 100 ms (tests only), so the loss is found within a training step or two.
  const first = start(['train', '--config', 'c.yaml', '--out', 'run'], dir, { BIAFLOW_TEST_LOCK_STALE_MS: '600' });
  await until(() => fs.existsSync(path.join(runDir, 'split.json')), 'the first run to hold the lock and write split.json');
  // A lock file removed by hand while its holder lives is made again by the holder's next heartbeat.
  fs.rmSync(path.join(runDir, LOCK));
  const lockPid = () => {
    try {
      return JSON.parse(fs.readFileSync(path.join(runDir, LOCK), 'utf8')).pid;
    } catch {
      return undefined; // absent, or caught between its creation and its write
    }
  };
  await until(() => lockPid() === first.pid, 'the lock to be made again', 10_000);
  // What another machine sharing the folder does once it finds the lock silent: it takes it.
  const now = new Date().toISOString();
  const theirs = JSON.stringify({ pid: 4242, host: 'another-host', command: 'train', started: now, heartbeat: now });
  fs.writeFileSync(path.join(runDir, 'theirs'), theirs);
  fs.renameSync(path.join(runDir, 'theirs'), path.join(runDir, LOCK));
  const done = await first.done;
  expect(done.code).toBe(1);
  expect(done.stderr).toContain(`error: run folder ${runDir} was taken over by process 4242 on another-host (biaflow train, since ${now}) while this process (${first.pid}) was writing to it\n`);
  expect(done.stderr).toContain("hint: this run stopped so as not to write into the other run's files");
  // It stopped within training (3 epochs of 25 steps were asked): no model, fewer epochs logged.
  expect(fs.existsSync(path.join(runDir, 'model'))).toBe(false);
  expect(logEvents(runDir)).toContain('lock-lost');
  expect(logEvents(runDir).filter((e) => e === 'epoch').length).toBeLessThan(3);
  expect(fs.readFileSync(path.join(runDir, LOCK), 'utf8')).toBe(theirs);
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
