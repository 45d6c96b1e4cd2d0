import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * What a person at the terminal sees: progress bars redrawn in place on a terminal (a pseudo-
 * terminal from util-linux's `script`), plain lines without one; Ctrl-C (SIGINT) stops a run with
 * exit 130, says where, prints the command that continues it, and that command ends with exactly
 * the outputs of an uninterrupted run; the results table and `--json` after an evaluating command.
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
train: { epochs: 5, batch_size: 2, steps_per_epoch: 20 }
predict: { batch_size: 4 }
`;

/** A folder with the config and twelve 256×256 test images (the bundled four, three times), so a stop can land mid-prediction. */
function project(): string {
  const dir = tmpdir();
  const testDir = path.join(dir, 'test');
  for (const kind of ['images', 'labels']) {
    fs.mkdirSync(path.join(testDir, kind), { recursive: true });
    for (const f of fs.readdirSync(path.join(bundled, kind))) {
      for (const copy of ['a', 'b', 'c']) fs.copyFileSync(path.join(bundled, kind, f), path.join(testDir, kind, `${copy}-${f}`));
    }
  }
  fs.writeFileSync(path.join(dir, 'config.yaml'), config(testDir));
  return dir;
}

// Each of these tests runs biaflow several times (some at once): more than jest's default on a busy 2-core machine.
const SEVERAL_RUNS_MS = 300_000;

const env = (extra: Record<string, string> = {}) => ({ ...process.env, BIAFLOW_DEBUG: '', ...extra });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/;

function shell(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

test('a training under a terminal redraws progress bars; without one, plain lines and no bar', () => {
  const dir = project();
  const args = ['train', '--config', 'config.yaml', '--set', 'train.epochs=2', '--log-level', 'warn'];
  // script(1) gives the command a pseudo-terminal (here 160 columns wide: bars are cut to the
  // terminal's width, 80 when it tells none) and copies what is written there to our stdout.
  const inTerminal = (more: string[]) => `stty cols 160; ${[process.execPath, bin, ...args, ...more].map(shell).join(' ')}`;
  const tty = spawnSync('script', ['-qec', inTerminal(['--out', 'tty']), '/dev/null'], { cwd: dir, encoding: 'utf8', env: env() });
  expect(tty.status).toBe(0);
  const screen = tty.stdout;
  // The bar of an epoch: its label, the bar itself, the count, the rate and the time left, the loss.
  expect(screen).toMatch(/epoch [12]\/2 [█░]{20} \d+\/20 steps \| [\d.]+ steps\/s \| left \d+:\d\d \| loss [\d.]+, run left \d+:\d\d/);
  // Redrawn in place: the same bar several times, each time moved back to the start of its line.
  const draws = screen.match(/epoch 1\/2 [█░]{20} \d+\/20 steps/g) ?? [];
  expect(draws.length).toBeGreaterThan(1);
  // Reading and checking the data has its bar too (the first thing a training does).
  expect(screen).toMatch(/read and check data [█░]{20} \d+\/14 images/);
  expect(screen).toMatch(ANSI);
  expect(screen).toContain('\u001b[1G');

  // stderr a pipe: no control sequence, no bar, plain lines (here at most every 200 ms).
  const piped = spawnSync(process.execPath, [bin, ...args, '--out', 'piped'], { cwd: dir, encoding: 'utf8', env: env({ BIAFLOW_PROGRESS_INTERVAL_MS: '200' }) });
  expect(piped.status).toBe(0);
  expect(piped.stderr).not.toMatch(ANSI);
  expect(piped.stderr).not.toMatch(/[█░\r]/);
  expect(piped.stderr).toMatch(/^progress: epoch [12]\/2 \d+\/20 steps \(\d+%\).*loss [\d.]+/m);

  // --no-progress on a terminal: plain lines too.
  const plain = spawnSync('script', ['-qec', inTerminal(['--out', 'plain', '--no-progress']), '/dev/null'], {
    cwd: dir,
    encoding: 'utf8',
    env: env({ BIAFLOW_PROGRESS_INTERVAL_MS: '200' }),
  });
  expect(plain.status).toBe(0);
  expect(plain.stdout).not.toMatch(/[█░]/);
  expect(plain.stdout).toMatch(/progress: epoch [12]\/2 \d+\/20 steps/);
}, SEVERAL_RUNS_MS);

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(command: string, cwd: string) {
  const child = spawn('sh', ['-c', `exec ${command}`], { cwd, env: env() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  let exited = false;
  void done.then(() => (exited = true));
  return { child, done, exited: () => exited };
}

async function until(what: string, ready: () => boolean, run: ReturnType<typeof start>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (!ready()) {
    if (run.exited()) throw new Error(`the run ended before ${what}:\n${(await run.done).stderr}`);
    if (Date.now() > deadline) throw new Error(`no ${what} after 120 s`);
    await sleep(10);
  }
}

function checkpointEpoch(runDir: string): number {
  try {
    return (JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoints/last/training_state.json'), 'utf8')) as { epoch: number }).epoch;
  } catch {
    return 0;
  }
}

function predicted(runDir: string): number {
  const dir = path.join(runDir, 'predictions');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.tif')).length : 0;
}

function outputsOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const sub of ['predictions', 'probabilities']) {
    for (const f of fs.readdirSync(path.join(dir, sub)).sort()) out.set(`${sub}/${f}`, fs.readFileSync(path.join(dir, sub, f)));
  }
  for (const f of ['objects.csv', 'metrics.json', 'metrics.csv']) out.set(f, fs.readFileSync(path.join(dir, f)));
  return out;
}

/** The command a stopped run printed to continue it. */
function continueCommand(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.startsWith('to continue: '));
  if (!line) throw new Error(`no command to continue in:\n${stderr}`);
  return line.slice('to continue: '.length);
}

test('Ctrl-C stops a run with exit 130 (in training, then in prediction), and the printed command resumes it to the outputs of an uninterrupted run', async () => {
  const dir = project();
  const cli = `${shell(process.execPath)} ${shell(bin)}`;
  const reference = start(`${cli} run --config config.yaml --out whole --log-level warn`, dir);
  // No --out: the run goes to the default folder, which the printed command must then name.
  const victim = start(`${cli} run --config config.yaml --log-level warn`, dir);
  const runsDir = path.join(dir, 'runs');
  const runDir = () => (fs.existsSync(runsDir) ? path.join(runsDir, fs.readdirSync(runsDir)[0] ?? '') : path.join(dir, 'none'));

  // 1. In training, once the first epoch's checkpoint exists.
  await until('the first checkpoint', () => checkpointEpoch(runDir()) >= 1, victim);
  victim.child.kill('SIGINT');
  const first = await victim.done;
  expect({ code: first.code, stderr: first.stderr }).toEqual({ code: 130, stderr: expect.stringMatching(/^interrupted: stopped (during|before) epoch [2-5]\/5/m) });
  expect(first.stderr).toMatch(/^--resume continues from the end of epoch [1-4] \(checkpoints\/last\)$/m);
  expect(first.stderr).toMatch(/^SIGINT: stopping at the next safe point/m);
  expect(first.stderr).not.toMatch(/error|at .*\.js:\d+/);
  expect(first.stdout).toBe('');
  const stoppedIn = runDir();
  // The run folder is free again, and the model was not written: training really stopped part-way.
  expect(fs.existsSync(path.join(stoppedIn, '.biaflow.lock'))).toBe(false);
  expect(fs.existsSync(path.join(stoppedIn, 'model'))).toBe(false);
  const command = continueCommand(first.stderr);
  // The CLI's script lies outside the working folder: named by its absolute path.
  expect(command).toBe(`node ${bin} run --config config.yaml --log-level warn --out runs/${path.basename(stoppedIn)} --resume`);

  // 2. Resumed with exactly that command, stopped again mid-prediction.
  const resumed = start(command, dir);
  await until('three predicted images', () => predicted(stoppedIn) >= 3, resumed);
  resumed.child.kill('SIGINT');
  const second = await resumed.done;
  expect(second.code).toBe(130);
  const at = /^interrupted: stopped (after (\d+) of 12 images|while predicting \S+ \(tile \d+ of \d+\))$/m.exec(second.stderr);
  expect(at).not.toBeNull();
  expect(predicted(stoppedIn)).toBeLessThan(12);
  // The command to continue stays the same (it already has --out and --resume).
  expect(continueCommand(second.stderr)).toBe(command);
  expect(fs.existsSync(path.join(stoppedIn, '.biaflow.lock'))).toBe(false);

  // 3. Resumed to the end.
  const last = await start(command, dir).done;
  expect({ code: last.code, stderr: last.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  const whole = await reference.done;
  expect(whole.code).toBe(0);

  // Same epochs and losses as the uninterrupted run (as the kill-and-resume test checks), then the same files, byte for byte.
  const losses = (d: string) =>
    fs
      .readFileSync(path.join(d, 'train_metrics.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').slice(0, 3).map(Number));
  const a = losses(stoppedIn);
  const b = losses(path.join(dir, 'whole'));
  expect(a.map((r) => r[0])).toEqual([1, 2, 3, 4, 5]);
  expect(b.map((r) => r[0])).toEqual([1, 2, 3, 4, 5]);
  for (let i = 0; i < 5; i++) for (const k of [1, 2]) expect(Math.abs(a[i][k] - b[i][k])).toBeLessThanOrEqual(1e-4 * Math.abs(b[i][k]));
  const expected = outputsOf(path.join(dir, 'whole'));
  const got = outputsOf(stoppedIn);
  expect([...got.keys()]).toEqual([...expected.keys()]);
  expect(expected.size).toBe(2 * 12 + 3);
  for (const [name, bytes] of expected) expect({ name, same: got.get(name)!.equals(bytes) }).toEqual({ name, same: true });

  // The finished run ends with its results table: every figure the instance workflow declares, as metrics.json holds it.
  const metrics = JSON.parse(fs.readFileSync(path.join(stoppedIn, 'metrics.json'), 'utf8')) as { overall: { matching: Record<string, Record<string, number>>; aji: number; ap_50_95: number } };
  const f = metrics.overall.matching['0.5'];
  const table = last.stdout;
  expect(table).toContain('results over 12 test images\n');
  for (const [label, value] of [
    ['F1 at IoU 0.5', f.f1],
    ['precision at IoU 0.5', f.precision],
    ['recall at IoU 0.5', f.recall],
    ['panoptic quality at IoU 0.5', f.panoptic_quality],
    ['AJI', metrics.overall.aji],
    ['AP 0.5:0.95 (accuracy averaged over IoU 0.5–0.95)', metrics.overall.ap_50_95],
  ] as const) {
    expect(table).toMatch(new RegExp(`^  ${label.replace(/[.()]/g, '\\$&')} +${value.toFixed(4)}$`, 'm'));
  }
  // Paths from the working folder.
  expect(table).toContain(`report:  runs/${path.basename(stoppedIn)}/report.html\n`);

  // postprocess with new settings evaluates a variant: --json gives its folder, report and the overall of its metrics.json.
  const again = spawnSync(
    process.execPath,
    [bin, 'postprocess', '--out', stoppedIn, '--json', '--log-level', 'warn', '--set', 'postprocess=[{method: instance_watershed, seed_threshold: 0.3}]'],
    { cwd: dir, encoding: 'utf8', env: env() },
  );
  expect(again.status).toBe(0);
  const variant = path.join(stoppedIn, 'postprocess', '1');
  expect(JSON.parse(again.stdout)).toEqual({
    run: variant,
    report: path.join(variant, 'report.html'),
    overall: (JSON.parse(fs.readFileSync(path.join(variant, 'metrics.json'), 'utf8')) as { overall: unknown }).overall,
  });
}, SEVERAL_RUNS_MS);

test('SIGTERM stops a training the same way, within the epoch: exit 130, the lock released, the command to continue', async () => {
  const dir = project();
  // Long epochs (100 steps, no file written between them): the stop must come at a step, not at the epoch's end.
  const args = 'train --config config.yaml --set train.steps_per_epoch=100 --out t';
  const victim = start(`${shell(process.execPath)} ${shell(bin)} ${args}`, dir);
  await until('the first checkpoint', () => checkpointEpoch(path.join(dir, 't')) >= 1, victim);
  victim.child.kill('SIGTERM');
  const r = await victim.done;
  expect(r.code).toBe(130);
  expect(r.stderr).toMatch(/^SIGTERM: stopping at the next safe point/m);
  expect(r.stderr).toMatch(/^interrupted: stopped (during epoch 2\/5, after step \d+ of 100|before epoch 2\/5)$/m);
  expect(checkpointEpoch(path.join(dir, 't'))).toBe(1);
  expect(continueCommand(r.stderr)).toBe(`node ${bin} ${args} --resume`);
  expect(fs.existsSync(path.join(dir, 't', '.biaflow.lock'))).toBe(false);
  // The run log says so too.
  const log = fs.readFileSync(path.join(dir, 't', 'log.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event?: string; command?: string });
  expect(log.find((e) => e.event === 'interrupted')?.command).toBe(`node ${bin} ${args} --resume`);
}, SEVERAL_RUNS_MS);

test('--json prints one JSON object on stdout, with overall equal to metrics.json\'s', () => {
  const dir = tmpdir();
  // Score the bundled ground truth against itself: a real evaluation, no training needed.
  const gt = path.join(bundled, 'labels');
  const r = spawnSync(process.execPath, [bin, 'evaluate', '--workflow', 'instance', '--pred', gt, '--gt', gt, '--out', 'scored', '--json'], { cwd: dir, encoding: 'utf8', env: env() });
  expect(r.status).toBe(0);
  const printed = JSON.parse(r.stdout) as { run: string; report: string; overall: unknown };
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  expect(Object.keys(printed)).toEqual(['run', 'report', 'overall']);
  expect(printed.run).toBe(path.join(dir, 'scored'));
  expect(printed.report).toBe(path.join(dir, 'scored', 'report.html'));
  const written = JSON.parse(fs.readFileSync(path.join(dir, 'scored', 'metrics.json'), 'utf8')) as { overall: unknown };
  expect(printed.overall).toEqual(written.overall);
  // The logs went to stderr.
  expect(r.stderr).toMatch(/evaluated/);
  // Perfect predictions score F1 1 at every threshold (the figures are real, not placeholders).
  expect((printed.overall as { matching: Record<string, { f1: number }> }).matching['0.5'].f1).toBe(1);

  // Without --json: the run folder, then the table of the instance workflow's summary figures.
  const table = spawnSync(process.execPath, [bin, 'evaluate', '--workflow', 'instance', '--pred', gt, '--gt', gt, '--out', 'table'], { cwd: dir, encoding: 'utf8', env: env() });
  expect(table.status).toBe(0);
  const lines = table.stdout.split('\n');
  // A standalone evaluation first says which settings scored it.
  expect(lines[0]).toBe('scored with metrics.matching_thresholds=[0.3,0.5,0.75] (the defaults)');
  expect(lines[1]).toBe('results: table');
  expect(lines[2]).toBe('results over 4 test images');
  expect(lines.slice(3, 9).map((l) => l.replace(/\s+\S+$/, '').trim())).toEqual([
    'F1 at IoU 0.5',
    'precision at IoU 0.5',
    'recall at IoU 0.5',
    'panoptic quality at IoU 0.5',
    'AP 0.5:0.95 (accuracy averaged over IoU 0.5–0.95)',
    'AJI',
  ]);
  expect(lines[3]).toMatch(/ 1\.0000$/);
  expect(lines[9]).toBe('metrics: table/metrics.json');
  expect(lines[10]).toBe('report:  table/report.html');
});
