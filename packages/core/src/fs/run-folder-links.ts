import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';

/**
 * Refuse to write `file` when a path component between the run folder and it (the file included)
 * is a symbolic link. A run folder may be shared (`--resume` of someone else's run, a lab's common
 * disk): a link planted there (`predictions → /home/you/thesis`) would otherwise make biaflow write,
 * or replace, files far outside the run. The run folder itself may be a link (a user's own choice).
 * Components that do not exist yet are fine: biaflow creates them as real folders.
 */
export function assertNoLinkInRunFolder(runDir: string, file: string): void {
  const root = path.resolve(runDir);
  const target = path.resolve(root, file);
  const relative = path.relative(root, target);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return; // not inside the run folder
  let at = root;
  for (const part of relative.split(path.sep)) {
    at = path.join(at, part);
    const stat = fs.lstatSync(at, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isSymbolicLink()) {
      let points = '';
      try {
        points = ` → ${fs.readlinkSync(at)}`;
      } catch {
        // the link vanished meanwhile: still refused, it was there when checked
      }
      throw new InputError(`is a symbolic link inside the run folder${points}: biaflow does not write run outputs through links`, {
        file: at,
        hint: `remove the link (or start a new run with another --out); nothing was written to ${path.relative(root, target)}`,
      });
    }
  }
}
