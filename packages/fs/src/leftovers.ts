import fs from 'node:fs';
import path from 'node:path';
import { parseTemporaryName } from './atomic-write';
import { isRunning } from './process-identity';
import { removeOutput } from './remove-output';
import { assertNoLinkInGuardedFolder } from './run-folder-links';
import { reasonOf, isSystemCallError } from './system-faults';

/**
 * What a killed or failed write leaves: temporary files and folders named by `temporaryPath`
 * (`.<name>.tmp-<pid>-<n>`). Each names the process that wrote it, so a leftover is told from a
 * write in progress: its process is gone, or it is this process, which tidies only when it writes
 * nothing there (at the start and at the end of a run).
 */

/** Whether the entry `name` is a temporary one whose writer is this process or no live process of this host. */
export function isLeftover(name: string): boolean {
  const t = parseTemporaryName(name);
  return t !== undefined && (t.pid === process.pid || !isRunning(t.pid));
}

export interface SwappedDir {
  /** The file whose presence makes a copy complete (written last: `biaflow.json`, `training_state.json`). */
  complete: string;
  /** How advanced a complete copy is (a checkpoint's epoch), and the word for it; ties go to the newest. */
  rank?: { name: string; of(dir: string): Promise<number> };
  /** Which temporary entries may be taken (default: leftovers, `isLeftover`). */
  isStale?: (name: string) => boolean;
}

/**
 * Put back a folder that a kill during `replaceDirAtomic` left only under temporary names (between
 * its two renames the target does not exist): when `target` is missing, the most advanced complete
 * copy among its leftovers is renamed into place — the replacement when it was complete, else the
 * previous version. Returns what was done, or undefined when there was nothing to do. Only real
 * folders are candidates (a link under a temporary name is never taken), and nothing is renamed
 * through a link inside a run folder.
 */
export async function restoreSwappedDir(target: string, { complete, rank, isStale = isLeftover }: SwappedDir): Promise<string | undefined> {
  if (fs.lstatSync(target, { throwIfNoEntry: false })) return undefined;
  assertNoLinkInGuardedFolder(target);
  const parent = path.dirname(target);
  const name = path.basename(target);
  const entries = await fs.promises.readdir(parent).catch(() => [] as string[]);
  let best: { dir: string; rank: number; time: number } | undefined;
  for (const entry of entries) {
    if (parseTemporaryName(entry)?.target !== name || !isStale(entry)) continue;
    const dir = path.join(parent, entry);
    if (!fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    const marker = fs.lstatSync(path.join(dir, complete), { throwIfNoEntry: false });
    if (!marker?.isFile()) continue;
    const candidate = { dir, rank: rank ? await rank.of(dir) : 0, time: marker.mtimeMs };
    if (!best || candidate.rank > best.rank || (candidate.rank === best.rank && candidate.time > best.time)) best = candidate;
  }
  if (!best) return undefined;
  await fs.promises.rename(best.dir, target);
  const detail = rank ? ` (${rank.name} ${best.rank})` : '';
  return `restored ${name}${detail} from ${path.basename(best.dir)}, left by an interrupted write`;
}

/**
 * Remove every leftover temporary file or folder under `root` (its whole tree, without following
 * symbolic links or entering the temporary folders themselves; at the top level only the entries
 * `within` accepts: a run folder's own, never a person's files beside them). Returns one line per
 * entry; an entry that cannot be removed is reported, not thrown: tidying never fails a run.
 */
export async function removeLeftovers(root: string, isStale: (name: string) => boolean = isLeftover, within: (name: string) => boolean = () => true): Promise<string[]> {
  const actions: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (dir === root && !within(entry.name)) continue;
      const p = path.join(dir, entry.name);
      if (parseTemporaryName(entry.name)) {
        if (!isStale(entry.name)) continue;
        try {
          await removeOutput(p);
          actions.push(`removed the leftover ${path.relative(root, p)}`);
        } catch (e) {
          actions.push(`could not remove the leftover ${p}: ${isSystemCallError(e) ? reasonOf(e) : String(e)}`);
        }
      } else if (entry.isDirectory()) {
        await walk(p);
      }
    }
  };
  await walk(root);
  return actions;
}
