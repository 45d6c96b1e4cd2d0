import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { biaflow, fixtures, repo, tmpdir } from './e2e-helpers';

/**
 * What a run folder may be, through the real CLI (docs/security.md, "What biaflow writes, and where"):
 * nothing is written, renamed or deleted through a symbolic link inside it (a link planted in a shared
 * run, then `--resume`), while a link on the way to it is the person's choice; and a folder holding
 * files that are not a run's (a project folder, a data folder) is refused, with or without
 * `--overwrite`. A tiny U-Net on the real nuclei crops, trained once: each command takes a second or two.
 */
const bin = path.join(repo, 'packages/biaflow/dist/bin.js');
const nuclei = path.join(fixtures, 'nuclei2d');

const config = `
problem: { type: instance, ndim: 2 }
system: { backend: wasm, seed: 3, threads: 1 }
data:
  train: { images: ${nuclei}/train/images, labels: ${nuclei}/train/labels }
  val: { split: 0.5 }
  test: { images: ${nuclei}/test/images, labels: ${nuclei}/test/labels }
  patch_size: [32, 32]
instance: { channels: BC }
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 2, batch_size: 2, steps_per_epoch: 2 }
`;
const OTHER_SETTINGS = 'postprocess=[{method: instance_watershed, seed_threshold: 0.3, foreground_threshold: 0.4, contour_threshold: 0.9, min_seed_size: 0}]';

function cli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args, '--log-level', 'warn'], { cwd, encoding: 'utf8', env: { ...process.env, BIAFLOW_DEBUG: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir` (links as `-> target`) with its bytes: what must stay exactly as it was. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const key = path.relative(dir, p);
      if (e.isSymbolicLink()) out[key] = `-> ${fs.readlinkSync(p)}`;
      else if (e.isDirectory()) walk(p);
      else out[key] = fs.readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

let dir: string;
/** A run that trained 2 epochs, predicted, and post-processed once more with other settings (`postprocess/1`). */
let trained: string;

beforeAll(() => {
  dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'config.yaml'), config);
  biaflow(['run', '--config', 'config.yaml', '--out', 'trained', '--log-level', 'warn'], dir);
  biaflow(['postprocess', '--out', 'trained', '--set', OTHER_SETTINGS, '--log-level', 'warn'], dir);
  trained = path.join(dir, 'trained');
}, 300_000);

function copyOfTrained(name: string): string {
  const copy = path.join(dir, name);
  fs.cpSync(trained, copy, { recursive: true });
  return copy;
}

/** Move `entry` of `run` to a folder outside it, and put a link to it in its place. */
function replaceByLink(run: string, entry: string, outside: string): void {
  fs.mkdirSync(path.dirname(outside), { recursive: true });
  fs.renameSync(path.join(run, entry), outside);
  fs.symlinkSync(outside, path.join(run, entry));
}

describe('links inside a run folder', () => {
  test('checkpoints → a folder holding a thesis: --resume exits 2 naming the link, and nothing there is deleted or replaced', () => {
    const run = copyOfTrained('ckpt-link');
    // The folder the link points to holds complete checkpoints (so, unguarded, --resume would load
    // epoch 2 from there and replace last/ and best/ after epochs 3 and 4) and the person's files.
    const outside = path.join(dir, 'home', 'thesis');
    replaceByLink(run, 'checkpoints', outside);
    fs.writeFileSync(path.join(outside, 'last', 'thesis.txt'), 'chapter 1\n');
    fs.writeFileSync(path.join(outside, 'best', 'notes.txt'), 'notes\n');
    const before = snapshot(outside);
    const args = ['train', '--config', 'config.yaml', '--set', 'train.epochs=4', '--out', run, '--resume'];

    const refused = cli(args, dir);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`error: ${run}/checkpoints: is a symbolic link inside the run folder → ${outside}: biaflow does not write run outputs through links`);
    expect(refused.stderr).toContain('hint: nothing was changed; remove the link (put a real folder or file in its place), or choose another --out');
    expect(snapshot(outside)).toEqual(before);

    // The same command with real checkpoints continues from epoch 2 and writes them: the refusal came
    // before the checkpoint writing that would have gone through the link.
    fs.unlinkSync(path.join(run, 'checkpoints'));
    fs.cpSync(path.join(trained, 'checkpoints'), path.join(run, 'checkpoints'), { recursive: true });
    const resumed = cli(args, dir);
    expect(resumed.status).toBe(0);
    const log = fs.readFileSync(path.join(run, 'log.jsonl'), 'utf8');
    expect(log).toContain(`"msg":"resuming after epoch 2 from ${run}/checkpoints/last"`);
    expect(JSON.parse(fs.readFileSync(path.join(run, 'checkpoints/last/training_state.json'), 'utf8')).epoch).toBe(4);
    expect(snapshot(outside)).toEqual(before);
  });

  test('a linked model, a linked file in checkpoints/last and predictions/, a linked variant folder: each refused before work, the outside untouched', () => {
    const cases: { entry: string; args: (run: string) => string[] }[] = [
      { entry: 'model', args: (run) => ['tune', '--out', run] },
      { entry: 'checkpoints/last/weights.bin', args: (run) => ['train', '--config', 'config.yaml', '--set', 'train.epochs=3', '--out', run, '--resume'] },
      { entry: 'predictions/003cee89357d.tif', args: (run) => ['predict', '--out', run, '--overwrite'] },
      // The variant of these settings: --overwrite would empty it (its predictions/, metrics.json) first.
      { entry: 'postprocess/1', args: (run) => ['postprocess', '--out', run, '--set', OTHER_SETTINGS, '--overwrite'] },
    ];
    for (const [i, { entry, args }] of cases.entries()) {
      const run = copyOfTrained(`linked-${i}`);
      const outside = path.join(dir, `outside-${i}`, path.basename(entry));
      replaceByLink(run, entry, outside);
      const before = snapshot(path.dirname(outside));
      const runBefore = snapshot(run);
      const r = cli(args(run), dir);
      expect({ entry, status: r.status }).toEqual({ entry, status: 2 });
      expect(r.stderr).toContain(`error: ${path.join(run, entry)}: is a symbolic link inside the run folder → ${outside}`);
      expect(snapshot(path.dirname(outside))).toEqual(before);
      // Nothing in the run changed either (its lock is gone with the process).
      expect(snapshot(run)).toEqual(runBefore);
    }
  });

  test('--out through a link on the way (runs → elsewhere) works, and the run is recorded at its real path', () => {
    const elsewhere = path.join(dir, 'scratch');
    fs.mkdirSync(elsewhere);
    fs.symlinkSync(elsewhere, path.join(dir, 'runs'));
    const model = path.join(trained, 'model');
    const images = path.join(nuclei, 'test/images');
    const first = cli(['predict', '--model', model, '--input', images, '--out', 'runs/p'], dir);
    expect(first.status).toBe(0);
    expect(fs.readdirSync(path.join(elsewhere, 'p', 'predictions'))).toEqual(['003cee89357d.tif']);
    const lines = fs.readFileSync(path.join(elsewhere, 'p', 'log.jsonl'), 'utf8').split('\n').filter(Boolean);
    const start = lines.map((l) => JSON.parse(l) as { event?: string; runDir?: string }).find((l) => l.event === 'run-start');
    expect(start?.runDir).toBe(path.join(elsewhere, 'p'));
    // The run folder itself a link (latest → scratch/p): resumed and overwritten through it.
    fs.symlinkSync(path.join(elsewhere, 'p'), path.join(dir, 'latest'));
    expect(cli(['predict', '--model', model, '--input', images, '--out', 'latest', '--overwrite'], dir).status).toBe(0);
    expect(fs.lstatSync(path.join(dir, 'latest')).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(path.join(elsewhere, 'p', 'predictions'))).toEqual(['003cee89357d.tif']);
  });
});

describe('a folder holding files that are not a run\'s', () => {
  test('run --out . in a project folder holding the person\'s config.yaml: exit 2 naming it, the config untouched, with or without --overwrite', () => {
    const project = path.join(dir, 'project');
    fs.mkdirSync(path.join(project, 'notes'), { recursive: true });
    fs.writeFileSync(path.join(project, 'config.yaml'), `# my settings\n${config}`);
    fs.writeFileSync(path.join(project, 'notes', 'ideas.md'), 'ideas\n');
    const before = snapshot(project);
    for (const extra of [[], ['--overwrite']]) {
      const r = cli(['run', '--config', 'config.yaml', '--out', '.', ...extra], project);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`error: --out ${project} is not empty and holds no biaflow run: config.yaml (not written by biaflow), notes/`);
      expect(r.stderr).toContain('hint: nothing was changed; choose a new or empty folder for --out');
      expect(snapshot(project)).toEqual(before);
      expect(fs.readdirSync(project).sort()).toEqual(['config.yaml', 'notes']);
    }
  });

  test('train --out data/train --overwrite: exit 2, the data folder untouched', () => {
    const data = path.join(dir, 'data');
    fs.cpSync(path.join(nuclei, 'train'), path.join(data, 'train'), { recursive: true });
    const before = snapshot(data);
    const r = cli(['train', '--config', 'config.yaml', '--out', 'data/train', '--overwrite'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`error: --out ${data}/train is not empty and holds no biaflow run: images/, labels/`);
    expect(snapshot(data)).toEqual(before);
  });

  test('a run folder holding a person\'s file: refused (also --overwrite), the file kept; once it is moved out the run takes the command', () => {
    const run = copyOfTrained('with-notes');
    fs.writeFileSync(path.join(run, 'notes.txt'), 'what I tried\n');
    const before = snapshot(run);
    const r = cli(['predict', '--out', run, '--overwrite'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`error: --out ${run} holds a biaflow run and files that are not the run's: notes.txt`);
    expect(r.stderr).toContain('hint: nothing was changed; move those files out of the run folder, or choose a new or empty folder for --out');
    expect(snapshot(run)).toEqual(before);
    fs.renameSync(path.join(run, 'notes.txt'), path.join(dir, 'notes.txt'));
    expect(cli(['evaluate', '--out', run, '--overwrite'], dir).status).toBe(0);
  });
});
