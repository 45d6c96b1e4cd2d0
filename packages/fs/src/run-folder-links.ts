import fs from 'node:fs';
import path from 'node:path';
import { InputError } from './errors';

/**
 * Symbolic links inside a run folder. A run folder may be shared (`--resume` of someone else's run,
 * a lab's common disk): a link planted there (`checkpoints → /home/you/thesis`) would otherwise make
 * biaflow write, replace or delete files far outside the run. So nothing biaflow writes, renames or
 * removes inside a run folder goes through a link: the folder is checked for links before any work
 * (`assertNoLinksInRunFolder`), and every write, rename and removal checks its own path again
 * (`assertNoLinkInGuardedFolder`). The run folder itself, and the folders on the way to it, may be
 * links (`runs → /scratch/runs`, macOS's `/var`): `--out` is resolved once, to its real path, when
 * the run starts.
 */

function linkRefusal(at: string, hint: string): InputError {
  let points = '';
  try {
    points = ` → ${fs.readlinkSync(at)}`;
  } catch {
    // the link vanished meanwhile: still refused, it was there when checked
  }
  return new InputError(`is a symbolic link inside the run folder${points}: biaflow does not write run outputs through links`, { file: at, hint });
}

/** True when `target` lies strictly inside `root` (both absolute). */
function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * Refuse to write `file` when a path component between the run folder and it (the file included)
 * is a symbolic link. Components that do not exist yet are fine: biaflow creates them as real folders.
 */
export function assertNoLinkInRunFolder(runDir: string, file: string): void {
  const root = path.resolve(runDir);
  const target = path.resolve(root, file);
  if (!isInside(root, target)) return;
  let at = root;
  for (const part of path.relative(root, target).split(path.sep)) {
    at = path.join(at, part);
    const stat = fs.lstatSync(at, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isSymbolicLink()) {
      throw linkRefusal(at, `remove the link (or start a new run with another --out); nothing was written to ${path.relative(root, target)}`);
    }
  }
}

/**
 * Refuse a run folder holding a symbolic link at any depth of the entries `names` (its outputs:
 * `checkpoints`, `model`, `predictions`, `postprocess`, … and what they hold), before any work.
 * Links are never followed while looking.
 */
export function assertNoLinksInRunFolder(runDir: string, names: readonly string[]): void {
  const hint = 'nothing was changed; remove the link (put a real folder or file in its place), or choose another --out';
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable: the write that needs it reports it
    }
    for (const entry of entries) {
      const p = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) throw linkRefusal(p, hint);
      if (entry.isDirectory()) walk(p);
    }
  };
  for (const name of names) {
    const p = path.join(runDir, name);
    const stat = fs.lstatSync(p, { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) throw linkRefusal(p, hint);
    if (stat?.isDirectory()) walk(p);
  }
}

/** The run folders this process holds (real paths), with how many times each was guarded. */
const guarded = new Map<string, number>();

/**
 * From now on, every write, rename and removal of biaflow's file helpers under `runDir` (a real path)
 * refuses to go through a link inside it. Returns the function that ends the guard (idempotent).
 */
export function guardRunFolder(runDir: string): () => void {
  const root = path.resolve(runDir);
  guarded.set(root, (guarded.get(root) ?? 0) + 1);
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const n = (guarded.get(root) ?? 1) - 1;
    if (n > 0) guarded.set(root, n);
    else guarded.delete(root);
  };
}

/**
 * Called by every helper that writes, renames or removes (`writeFileAtomic`, `replaceDirAtomic`,
 * `removeOutput`, the leftover tidying): when `target` lies inside a guarded run folder, no component
 * between that folder and it (`target` included) may be a link. Outside run folders it does nothing.
 */
export function assertNoLinkInGuardedFolder(target: string): void {
  if (guarded.size === 0) return;
  const abs = path.resolve(target);
  for (const root of guarded.keys()) if (isInside(root, abs)) assertNoLinkInRunFolder(root, abs);
}
