import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureWritableFolder, guardRunFolder, holdsRun, InputError, prepareRunFolder, removeOutput, removeOutputSync, replaceDirAtomic, restoreSwappedDir, temporaryPath, UsageError, writeFileAtomic, writeFileAtomicSync } from '@biaflow/core/internals';

/**
 * The file helpers never write, rename or delete through a symbolic link inside a run folder, even
 * a link planted after the checks at the start (the CLI cases are in tests/test/run-folder-guard.test.ts);
 * what Node's own removal does with links, on which they rely; and what makes a folder a run's.
 */

let root: string;
let n = 0;
/** A fresh folder for one case: `run/` (guarded by the caller) and `outside/` holding a person's files. */
function fresh(): { run: string; outside: string } {
  const base = path.join(root, `case-${n++}`);
  const run = path.join(base, 'run');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(outside, 'last'), { recursive: true });
  fs.mkdirSync(run, { recursive: true });
  fs.writeFileSync(path.join(outside, 'last', 'thesis.txt'), 'chapter 1\n');
  fs.writeFileSync(path.join(outside, 'notes.txt'), 'notes\n');
  return { run, outside };
}

/** Every file under `dir` with its content, links as `-> target`. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) out[path.relative(dir, p)] = `-> ${fs.readlinkSync(p)}`;
      else if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const PERSON = { 'last/thesis.txt': 'chapter 1\n', 'notes.txt': 'notes\n' };

async function refusal(work: () => unknown): Promise<InputError> {
  try {
    await work();
  } catch (e) {
    return e as InputError;
  }
  throw new Error('not refused');
}

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-links-')));
});

describe("Node's removal, which the helpers rely on", () => {
  test('rm of a link removes the link only; rm of a real folder holding links does not follow them (sync and async)', async () => {
    const { run, outside } = fresh();
    fs.symlinkSync(outside, path.join(run, 'checkpoints'));
    removeOutputSync(path.join(run, 'checkpoints'));
    expect(fs.existsSync(path.join(run, 'checkpoints'))).toBe(false);
    expect(snapshot(outside)).toEqual(PERSON);

    for (const remove of [removeOutputSync, removeOutput]) {
      const folder = path.join(run, 'model');
      fs.mkdirSync(path.join(folder, 'inner'), { recursive: true });
      fs.symlinkSync(outside, path.join(folder, 'to-folder'));
      fs.symlinkSync(path.join(outside, 'notes.txt'), path.join(folder, 'inner', 'to-file'));
      await remove(folder);
      expect(fs.existsSync(folder)).toBe(false);
      expect(snapshot(outside)).toEqual(PERSON);
    }
  });
});

describe('in a guarded run folder', () => {
  test('checkpoints → outside: replacing checkpoints/last, writing or removing in it is refused, naming the link; the outside is untouched', async () => {
    const { run, outside } = fresh();
    fs.symlinkSync(outside, path.join(run, 'checkpoints'));
    const unguard = guardRunFolder(run);
    try {
      let filled = false;
      const e = await refusal(() =>
        replaceDirAtomic(path.join(run, 'checkpoints', 'last'), async (tmp) => {
          filled = true;
          fs.writeFileSync(path.join(tmp, 'training_state.json'), '{}');
        }),
      );
      expect(e).toBeInstanceOf(InputError);
      expect(e.exitCode).toBe(2);
      expect(e.message).toBe(`${run}/checkpoints: is a symbolic link inside the run folder → ${outside}: biaflow does not write run outputs through links`);
      expect(filled).toBe(false);
      for (const work of [
        () => writeFileAtomic(path.join(run, 'checkpoints', 'last', 'thesis.txt'), 'overwritten'),
        () => writeFileAtomicSync(path.join(run, 'checkpoints', 'notes.txt'), 'overwritten'),
        () => removeOutputSync(path.join(run, 'checkpoints', 'last')),
        () => removeOutput(path.join(run, 'checkpoints', 'notes.txt')),
      ]) {
        expect((await refusal(work)).message).toContain(`${run}/checkpoints: is a symbolic link inside the run folder`);
      }
      expect(snapshot(outside)).toEqual(PERSON);
    } finally {
      unguard();
    }
    // Outside a guarded folder the helpers keep their old behaviour: the write goes where the path says.
    await writeFileAtomic(path.join(run, 'checkpoints', 'new.txt'), 'x');
    expect(fs.readFileSync(path.join(outside, 'new.txt'), 'utf8')).toBe('x');
  });

  test('a link at the target itself (model → outside, metrics.json → a file) is refused too', async () => {
    const { run, outside } = fresh();
    fs.symlinkSync(path.join(outside, 'last'), path.join(run, 'model'));
    fs.symlinkSync(path.join(outside, 'notes.txt'), path.join(run, 'metrics.json'));
    const unguard = guardRunFolder(run);
    try {
      const model = await refusal(() => replaceDirAtomic(path.join(run, 'model'), async () => undefined));
      expect(model.message).toContain(`${run}/model: is a symbolic link inside the run folder → ${outside}/last`);
      const metrics = await refusal(() => writeFileAtomic(path.join(run, 'metrics.json'), '{}'));
      expect(metrics.message).toContain(`${run}/metrics.json: is a symbolic link inside the run folder → ${outside}/notes.txt`);
    } finally {
      unguard();
    }
    expect(snapshot(outside)).toEqual(PERSON);
    expect(fs.lstatSync(path.join(run, 'model')).isSymbolicLink()).toBe(true);
  });

  test('a link under a temporary name is never taken back as model/ by the tidying', async () => {
    const { run, outside } = fresh();
    fs.writeFileSync(path.join(outside, 'last', 'biaflow.json'), '{}');
    const dead = spawnSync('true').pid as number;
    fs.symlinkSync(path.join(outside, 'last'), path.join(run, `.model.tmp-${dead}-0`));
    const unguard = guardRunFolder(run);
    try {
      expect(await restoreSwappedDir(path.join(run, 'model'), { complete: 'biaflow.json' })).toBeUndefined();
    } finally {
      unguard();
    }
    expect(fs.existsSync(path.join(run, 'model'))).toBe(false);
    expect(fs.readdirSync(path.join(outside, 'last')).sort()).toEqual(['biaflow.json', 'thesis.txt']);
  });
});

test('a link planted under the temporary name a write will use is not written through (sync and async)', async () => {
  const { run, outside } = fresh();
  for (const write of [writeFileAtomic, writeFileAtomicSync]) {
    const target = path.join(run, 'metrics.json');
    // The next temporary name of this process: the counter after this one.
    const next = temporaryPath(target).replace(/-(\d+)$/, (_, k: string) => `-${Number(k) + 1}`);
    fs.symlinkSync(path.join(outside, 'notes.txt'), next);
    await write(target, '{"ok":true}');
    expect(fs.readFileSync(target, 'utf8')).toBe('{"ok":true}');
    expect(fs.lstatSync(target).isFile()).toBe(true);
    expect(fs.existsSync(next)).toBe(false);
    expect(snapshot(outside)).toEqual(PERSON);
  }
});

test("a link planted under the name of --out's write probe is not written through", () => {
  const { run, outside } = fresh();
  const next = temporaryPath(path.join(run, 'biaflow-probe')).replace(/-(\d+)$/, (_, k: string) => `-${Number(k) + 1}`);
  fs.symlinkSync(path.join(outside, 'notes.txt'), next);
  ensureWritableFolder(run, '--out');
  expect(fs.readdirSync(run)).toEqual([]);
  expect(snapshot(outside)).toEqual(PERSON);
});

describe('prepareRunFolder', () => {
  const pinoLine = '{"level":30,"time":1796662950695,"event":"run-start","msg":"run in x"}\n';
  const runConfig = '# resolved by @biaflow/core 0.1.0 from /x/config.yaml\nproblem: { type: instance }\n';

  test('--out through a link on the way is resolved once: the run folder is the real path, and guarded until the lock goes', async () => {
    const { run, outside } = fresh();
    const runs = path.join(root, 'runs-link');
    fs.symlinkSync(path.dirname(run), runs);
    const prepared = prepareRunFolder(path.join(runs, 'run'), { command: 'predict' });
    expect(prepared.dir).toBe(run);
    try {
      fs.symlinkSync(outside, path.join(run, 'predictions'));
      // Planted after the checks at the start: the write itself refuses it.
      const e = await refusal(() => writeFileAtomic(path.join(run, 'predictions', 'a.tif'), 'x'));
      expect(e.message).toContain(`${run}/predictions: is a symbolic link inside the run folder`);
    } finally {
      prepared.lock.release();
    }
    expect(snapshot(outside)).toEqual(PERSON);
    // The next command on the folder (a run's: its log is there) refuses the link before any work.
    fs.writeFileSync(path.join(run, 'log.jsonl'), pinoLine);
    expect(() => prepareRunFolder(run, { command: 'predict', overwrite: true })).toThrow(`${run}/predictions: is a symbolic link inside the run folder → ${outside}`);
  });

  test('a run folder is one holding a run log, and no config.yaml but one biaflow wrote', () => {
    const dir = (files: Record<string, string>) => {
      const d = path.join(root, `holds-${n++}`);
      fs.mkdirSync(d);
      for (const [f, text] of Object.entries(files)) fs.writeFileSync(path.join(d, f), text);
      return d;
    };
    expect(holdsRun(dir({ 'log.jsonl': pinoLine, 'config.yaml': runConfig }))).toBe(true);
    expect(holdsRun(dir({ 'log.jsonl': pinoLine }))).toBe(true);
    // Killed before its first log line.
    expect(holdsRun(dir({ 'log.jsonl': '' }))).toBe(true);
    expect(holdsRun(dir({ 'config.yaml': 'problem: { type: instance }\n' }))).toBe(false);
    expect(holdsRun(dir({ 'log.jsonl': pinoLine, 'config.yaml': 'problem: { type: instance }\n' }))).toBe(false);
    // A run's config copied into a project as a starting point: no log, no run.
    expect(holdsRun(dir({ 'config.yaml': runConfig }))).toBe(false);
    expect(holdsRun(dir({ 'log.jsonl': 'my own notes\n' }))).toBe(false);
  });

  test('a folder holding files that are not a run\'s is refused with or without --overwrite, naming a few; OS metadata and biaflow\'s leftovers are not foreign', () => {
    const project = path.join(root, 'project');
    fs.mkdirSync(path.join(project, 'images'), { recursive: true });
    for (const f of ['config.yaml', 'a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']) fs.writeFileSync(path.join(project, f), 'mine\n');
    for (const overwrite of [false, true]) {
      let e: unknown;
      try {
        prepareRunFolder(project, { command: 'train', overwrite });
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(UsageError);
      expect((e as UsageError).exitCode).toBe(2);
      expect((e as UsageError).message).toBe(`--out ${project} is not empty and holds no biaflow run: a.txt, b.txt, c.txt, config.yaml (not written by biaflow), d.txt and 2 more`);
    }
    expect(fs.readdirSync(project).sort()).toEqual(['a.txt', 'b.txt', 'c.txt', 'config.yaml', 'd.txt', 'e.txt', 'images']);

    const quiet = path.join(root, 'only-metadata');
    fs.mkdirSync(quiet);
    const dead = spawnSync('true').pid as number;
    for (const f of ['.DS_Store', '._config.yaml', `.config.yaml.tmp-${dead}-3`]) fs.writeFileSync(path.join(quiet, f), '');
    const prepared = prepareRunFolder(quiet, { command: 'train' });
    prepared.lock.release();
    expect(prepared.earlier).toBe(false);
  });
});
