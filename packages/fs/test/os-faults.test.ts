import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileSystemError, PluginError, prepareRunFolder, removeLeftovers, replaceDirAtomic, reportError, tidyRunFolder, writeFileAtomic, writeFileAtomicSync } from '@biaflow/core/internals';
import { mounts } from './mounts';

/**
 * Operating-system faults on real file systems (a full tmpfs, a read-only bind mount): every
 * failure names the file and the reason, leaves no temporary file and keeps the previous version;
 * leftovers of dead processes are told from writes in progress by their pid.
 */

const m = mounts();
let root: string;
let live: ChildProcess;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-osfaults-'));
  live = spawn('sleep', ['600'], { stdio: 'ignore' });
});

afterAll(() => {
  m.unmountAll();
  live.kill('SIGKILL');
});

/** Every entry under `dir`, relative, sorted (hidden ones included). */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push(path.relative(dir, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync('true');
  return r.pid as number;
}

async function failure(p: Promise<unknown>): Promise<FileSystemError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof FileSystemError)) throw new Error(`expected a FileSystemError, got ${String(e)}`);
  return e;
}

describe('a full disk', () => {
  let disk: string;
  beforeAll(() => {
    disk = m.tmpfs(path.join(root, 'small'), '64k');
  });

  test('writeFileAtomic names the file and the cause, keeps the previous version and leaves no temporary file', async () => {
    const target = path.join(disk, 'out', 'metrics.json');
    await writeFileAtomic(target, 'previous\n');
    const e = await failure(writeFileAtomic(target, new Uint8Array(200_000)));
    expect(e.message).toBe(`no space left on device while writing ${target}`);
    expect([e.code, e.exitCode, e.file]).toEqual(['ENOSPC', 1, target]);
    expect(e.hint).toContain(`df -h ${path.dirname(target)}`);
    expect(fs.readFileSync(target, 'utf8')).toBe('previous\n');
    expect(tree(disk)).toEqual(['out', 'out/metrics.json']);

    const sync = (() => {
      try {
        writeFileAtomicSync(target, new Uint8Array(200_000));
      } catch (err) {
        return err;
      }
    })() as FileSystemError;
    expect(sync.message).toBe(`no space left on device while writing ${target}`);
    expect(tree(disk)).toEqual(['out', 'out/metrics.json']);
    fs.rmSync(path.join(disk, 'out'), { recursive: true });
  });

  test('replaceDirAtomic names the file by its final name, keeps the previous folder and removes its temporary one', async () => {
    const bundle = path.join(disk, 'model');
    await replaceDirAtomic(bundle, (tmp) => writeFileAtomic(path.join(tmp, 'biaflow.json'), '{"version":1}\n'));
    const e = await failure(
      replaceDirAtomic(bundle, async (tmp) => {
        await writeFileAtomic(path.join(tmp, 'biaflow.json'), '{"version":2}\n');
        await writeFileAtomic(path.join(tmp, 'weights.bin'), new Uint8Array(200_000));
      }),
    );
    expect(e.message).toBe(`no space left on device while writing ${bundle}/weights.bin`);
    // A raw error of a copy into the folder (the trainer's model export) is told the same way.
    const big = path.join(root, 'big.bin');
    fs.writeFileSync(big, new Uint8Array(200_000));
    const copy = await failure(replaceDirAtomic(bundle, (tmp) => fs.promises.copyFile(big, path.join(tmp, 'weights.bin'))));
    expect(copy.message).toBe(`no space left on device while writing ${bundle}/weights.bin`);
    expect(fs.readFileSync(path.join(bundle, 'biaflow.json'), 'utf8')).toBe('{"version":1}\n');
    expect(tree(disk)).toEqual(['model', 'model/biaflow.json']);
    fs.rmSync(bundle, { recursive: true });
  });

  test('a run folder on a disk with no space left is refused before any work (exit 2), and the probe is gone', async () => {
    const filler = path.join(disk, 'filler');
    const e0 = await writeFileAtomic(filler, new Uint8Array(200_000)).catch((e: unknown) => e);
    expect(e0).toBeInstanceOf(FileSystemError);
    // writeFileAtomic cleaned up: fill the disk for real, to the last byte.
    const fd = fs.openSync(filler, 'w');
    try {
      for (;;) fs.writeSync(fd, new Uint8Array(4096));
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }
    const runDir = path.join(disk, 'run');
    let refused: unknown;
    try {
      prepareRunFolder(runDir, {});
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(FileSystemError);
    expect((refused as FileSystemError).exitCode).toBe(2);
    expect((refused as FileSystemError).message).toBe(`--out ${runDir} cannot hold files (a test write failed): no space left on device`);
    expect(tree(disk)).toEqual(['filler', 'run']);
    fs.rmSync(path.join(disk, 'run'), { recursive: true });
    fs.rmSync(filler);
  });
});

describe('a read-only folder', () => {
  let ro: string;
  beforeAll(() => {
    const src = path.join(root, 'ro-src');
    fs.mkdirSync(path.join(src, 'old-run'), { recursive: true });
    fs.writeFileSync(path.join(src, 'old-run', 'config.yaml'), 'problem: { type: semantic }\n');
    ro = m.readOnly(src, path.join(root, 'ro'));
  });

  const refusal = (dir: string, options: { resume?: boolean; overwrite?: boolean }) => {
    try {
      prepareRunFolder(dir, options);
    } catch (e) {
      return e as FileSystemError;
    }
    throw new Error(`prepareRunFolder(${dir}) did not fail`);
  };

  test('a new run folder in it is refused with exit 2, naming the folder and "read-only"', () => {
    const e = refusal(path.join(ro, 'new', 'run'), {});
    expect(e).toBeInstanceOf(FileSystemError);
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`--out ${ro}/new/run cannot be created: read-only file system (mkdir ${ro}/new)`);
    expect(e.hint).toContain('writable');
  });

  test('resuming or overwriting a run in it is refused before anything is changed', () => {
    for (const options of [{ resume: true }, { overwrite: true }]) {
      const e = refusal(path.join(ro, 'old-run'), options);
      expect(e.exitCode).toBe(2);
      expect(e.message).toBe(`--out ${ro}/old-run cannot hold files (a test write failed): read-only file system`);
    }
    expect(tree(ro)).toEqual(['old-run', 'old-run/config.yaml']);
  });

  test('a file where a folder is needed is named as such', () => {
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, 'x');
    const e = refusal(path.join(file, 'run'), {});
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`--out ${file}/run cannot be created: a part of the path is a file, not a folder`);
  });
});

describe('leftovers', () => {
  test('only temporaries of dead processes and of this one are removed, the whole tree, without following links', async () => {
    const dir = path.join(root, 'leftovers');
    const outside = path.join(root, 'outside');
    const dead = deadPid();
    const other = live.pid as number;
    fs.mkdirSync(path.join(dir, 'predictions'), { recursive: true });
    fs.mkdirSync(path.join(dir, `checkpoints/.last.tmp-${dead}-2`), { recursive: true });
    fs.mkdirSync(outside, { recursive: true });
    const files = [
      `.metrics.json.tmp-${dead}-0`,
      `predictions/.a.tif.tmp-${dead}-1`,
      `checkpoints/.last.tmp-${dead}-2/weights.bin`,
      `.split.json.tmp-${process.pid}-3`,
      `.objects.csv.tmp-${other}-4`,
      'predictions/a.tif',
      '.hidden',
      '.x.tmp-notapid-5',
    ];
    for (const f of files) fs.writeFileSync(path.join(dir, f), 'x');
    fs.writeFileSync(path.join(outside, `.b.tmp-${dead}-6`), 'x');
    fs.symlinkSync(outside, path.join(dir, 'link'));

    const actions = await removeLeftovers(dir);
    expect(actions.sort()).toEqual(
      [`.metrics.json.tmp-${dead}-0`, `predictions/.a.tif.tmp-${dead}-1`, `checkpoints/.last.tmp-${dead}-2`, `.split.json.tmp-${process.pid}-3`]
        .map((f) => `removed the leftover ${f}`)
        .sort(),
    );
    expect(tree(dir)).toEqual(['.hidden', `.objects.csv.tmp-${other}-4`, '.x.tmp-notapid-5', 'checkpoints', 'link', 'predictions', 'predictions/a.tif']);
    expect(fs.readdirSync(outside)).toEqual([`.b.tmp-${dead}-6`]);
  });

  test('a model folder lost between the two renames of its replacement comes back: the newest complete copy', async () => {
    const run = path.join(root, 'swapped');
    const dead = deadPid();
    const other = live.pid as number;
    const copy = (name: string, content: string | undefined, time: number) => {
      const d = path.join(run, name);
      fs.mkdirSync(d, { recursive: true });
      fs.writeFileSync(path.join(d, 'weights.bin'), name);
      if (content !== undefined) {
        fs.writeFileSync(path.join(d, 'biaflow.json'), content);
        fs.utimesSync(path.join(d, 'biaflow.json'), time, time);
      }
    };
    fs.mkdirSync(run);
    fs.writeFileSync(path.join(run, 'metrics.json'), '{}');
    copy(`.model.tmp-${dead}-0`, 'replacement', 2000); // the new bundle, complete
    copy(`.model.tmp-${dead}-1`, 'previous', 1000); // the previous bundle, renamed away
    copy(`.model.tmp-${dead}-2`, undefined, 3000); // a bundle being written, incomplete
    copy(`.model.tmp-${other}-3`, 'in progress', 4000); // another live process's: not ours to take
    const actions = await tidyRunFolder(run, { restore: true });
    expect(actions[0]).toBe(`restored model from .model.tmp-${dead}-0, left by an interrupted write`);
    expect(fs.readFileSync(path.join(run, 'model', 'biaflow.json'), 'utf8')).toBe('replacement');
    expect(fs.readdirSync(run).sort()).toEqual([`.model.tmp-${other}-3`, 'metrics.json', 'model']);
  });
});

describe('the CLI tells an operating-system fault inside a plugin error by its cause', () => {
  const report = (error: unknown) => {
    const err: string[] = [];
    const code = reportError(error, { stdout: () => undefined, stderr: (t) => err.push(t), cwd: root });
    return { code, text: err.join('') };
  };

  test('a FileSystemError and a raw system error, each wrapped by PluginError', async () => {
    const target = path.join(root, 'run', 'metrics.json');
    const fault = new FileSystemError(`no space left on device while writing ${target}`, { file: target, code: 'ENOSPC', hint: 'free space' });
    expect(report(new PluginError('@biaflow/core', 'runEnd', fault))).toEqual({
      code: 1,
      text: `error: no space left on device while writing ${target}\nhint: free space\n`,
    });
    // A plugin's own write to a read-only folder: Node's error, wrapped.
    const ro = path.join(root, 'ro', 'x.txt');
    const raw = await fs.promises.writeFile(ro, 'x').catch((e: unknown) => e);
    const told = report(new PluginError('biaflow-plugin-x', 'writeResult', raw));
    expect(told.code).toBe(1);
    expect(told.text.split('\n')[0]).toBe(`error: read-only file system while writing ${ro}`);
    expect(told.text).not.toContain('plugin');
    expect(told.text).not.toContain('report it if it is a bug');
  });
});
