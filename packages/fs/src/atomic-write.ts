import fs from 'node:fs';
import path from 'node:path';
import { crashPoint } from './crash-point';
import { makeDirs, makeDirsSync } from './make-dirs';
import { FileSystemError } from './errors';
import { assertNoLinkInGuardedFolder } from './run-folder-links';
import { asSystemFault, isSystemCallError, systemFault } from './system-faults';

let counter = 0;

/** A temporary name beside `target`, unique to this process and call: `.<name>.tmp-<pid>-<n>`. */
export function temporaryPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${counter++}`);
}

const TEMPORARY_NAME = /^\.(.+)\.tmp-(\d+)-(\d+)$/;

/** What a name made by `temporaryPath` stands for: the target's name and the writing process. */
export function parseTemporaryName(name: string): { target: string; pid: number } | undefined {
  const m = TEMPORARY_NAME.exec(name);
  return m ? { target: m[1], pid: Number(m[2]) } : undefined;
}

type Data = string | Uint8Array | readonly Uint8Array[];
// A list of parts is written in order (large images: no concatenated copy of the whole file).
const partsOf = (data: Data) => (Array.isArray(data) ? (data as readonly Uint8Array[]) : [data as string | Uint8Array]);

/** True when `p` exists, a link included (never followed: a dangling link exists too). */
function lexists(p: string): boolean {
  return fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;
}

const isExisting = (e: unknown) => (e as NodeJS.ErrnoException).code === 'EEXIST';

/**
 * Open `tmp` for writing, created exclusively (`wx`: never through a link under that name). An entry
 * already there is stale (a dead process with this pid: pids repeat in containers) or planted: it is
 * removed (a link itself, never what it points to) and the create tried once more.
 */
async function createExclusive(tmp: string): Promise<fs.promises.FileHandle> {
  try {
    return await fs.promises.open(tmp, 'wx');
  } catch (e) {
    if (!isExisting(e)) throw e;
    await fs.promises.rm(tmp, { recursive: true, force: true });
    return fs.promises.open(tmp, 'wx');
  }
}

export function createExclusiveSync(tmp: string): number {
  try {
    return fs.openSync(tmp, 'wx');
  } catch (e) {
    if (!isExisting(e)) throw e;
    fs.rmSync(tmp, { recursive: true, force: true });
    return fs.openSync(tmp, 'wx');
  }
}

/**
 * Write a file so it is either absent, or complete: write to a temporary name, flush it to disk,
 * then rename over the target (atomic on one filesystem). A crash never leaves a half-written output.
 * A failure (a full disk) removes the temporary file and is a FileSystemError naming the target
 * (`no space left on device while writing …/metrics.json`). Inside a run folder, a link on the way
 * to the target (or the target itself) is refused (`assertNoLinkInGuardedFolder`); the temporary file
 * is created exclusively (`wx`), so a link planted under its name is never written through.
 */
export async function writeFileAtomic(target: string, data: Data): Promise<void> {
  assertNoLinkInGuardedFolder(target);
  const tmp = temporaryPath(target);
  try {
    await makeDirs(path.dirname(target));
    const handle = await createExclusive(tmp);
    try {
      // writeFile on a handle writes all of it from the current position, so parts append in order.
      for (const part of partsOf(data)) await handle.writeFile(part);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(tmp, target);
  } catch (e) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw asSystemFault(e, { file: target, action: 'writing' });
  }
}

export function writeFileAtomicSync(target: string, data: Data): void {
  assertNoLinkInGuardedFolder(target);
  const tmp = temporaryPath(target);
  try {
    makeDirsSync(path.dirname(target));
    const fd = createExclusiveSync(tmp);
    try {
      for (const part of partsOf(data)) fs.writeFileSync(fd, part);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw asSystemFault(e, { file: target, action: 'writing' });
  }
}

/**
 * The fault of writing into the temporary folder `tmp`, told with the names the files will have
 * in `target` (`…/model/weights.bin`, not `…/.model.tmp-12-3/weights.bin`).
 */
function fillFault(e: unknown, tmp: string, target: string): unknown {
  const inner = e instanceof FileSystemError && isSystemCallError(e.cause) ? e.cause : isSystemCallError(e) ? e : undefined;
  if (!inner) return e;
  const file = e instanceof FileSystemError ? e.file : inner.code === 'ENOENT' ? inner.path : (inner.dest ?? inner.path);
  if (file === undefined) return systemFault(inner, { file: target, action: 'writing' });
  if (file === tmp || file.startsWith(tmp + path.sep)) return systemFault(inner, { file: target + file.slice(tmp.length), action: 'writing' });
  // Not about the new folder (a source that cannot be read): as the system call tells it.
  return e instanceof FileSystemError ? e : systemFault(inner);
}

/**
 * Replace a whole folder (model bundles, checkpoints): `fill` writes into a temporary folder,
 * which then takes the target's place. A folder cannot be replaced in one rename: the previous
 * version is renamed away, the new one into place, and the previous one removed. A kill between
 * the two renames leaves both under temporary names and no target; the next start of a command on
 * the run folder puts the newest complete one back (`tidyRunFolder`). Any failure removes the
 * temporary folder and keeps (or puts back) the previous version. Inside a run folder, a link on the
 * way to the target or at the target is refused before anything is made; the renames and removals
 * never follow a link (a rename moves a link itself; removing a link removes only the link).
 */
export async function replaceDirAtomic(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  assertNoLinkInGuardedFolder(target);
  const tmp = temporaryPath(target);
  try {
    await makeDirs(path.dirname(target));
    // A folder left under this very name by a dead process with our pid (pids repeat in containers) is stale.
    await fs.promises.rm(tmp, { recursive: true, force: true });
    await fs.promises.mkdir(tmp);
    await fill(tmp);
  } catch (e) {
    await fs.promises.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw fillFault(e, tmp, target);
  }
  const old = lexists(target) ? temporaryPath(target) : undefined;
  try {
    // Checked again just before the swap: the fill may have taken long.
    assertNoLinkInGuardedFolder(target);
    if (old) await fs.promises.rename(target, old);
    crashPoint(`replace-dir:${path.basename(target)}`);
    await fs.promises.rename(tmp, target);
  } catch (e) {
    if (old && !lexists(target)) await fs.promises.rename(old, target).catch(() => undefined);
    await fs.promises.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw asSystemFault(e, { file: target, action: 'replacing' });
  }
  // The new version is in place: a previous one that cannot be removed now is a leftover for tidyRunFolder, not a failure.
  if (old) await fs.promises.rm(old, { recursive: true, force: true }).catch(() => undefined);
}
