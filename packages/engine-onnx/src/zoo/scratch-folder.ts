import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRunning } from '@biaflow/fs';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Remove the scratch folders of `kind` that processes now gone left in the system's temporary
 * folder (a prediction killed before it could tidy up). Only this user's entries whose process id
 * (in the name) runs no more on this host; each is looked at with `lstat` and removed without
 * following links (a link under such a name is removed itself). Returns the names removed.
 */
export async function removeDeadScratch(kind: string, tmp = os.tmpdir()): Promise<string[]> {
  const name = new RegExp(`^biaflow-${escapeRegExp(kind)}-(\\d+)-[A-Za-z0-9]{6}$`);
  const removed: string[] = [];
  for (const entry of await fs.promises.readdir(tmp).catch(() => [] as string[])) {
    const m = name.exec(entry);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    const p = path.join(tmp, entry);
    const stat = await fs.promises.lstat(p).catch(() => undefined);
    if (!stat || (typeof process.getuid === 'function' && stat.uid !== process.getuid())) continue;
    await fs.promises.rm(p, { recursive: stat.isDirectory(), force: true }).then(
      () => removed.push(entry),
      () => undefined,
    );
  }
  return removed;
}

/**
 * A new private folder in the system's temporary folder for what a zoo package's weights unpack to
 * (`biaflow-<kind>-<pid>-XXXXXX`, mode 0700). Its owner removes it when done; the process id in its
 * name lets the next one remove it when its owner was killed first (`removeDeadScratch`, done here).
 */
export async function makeScratchFolder(kind: string): Promise<string> {
  await removeDeadScratch(kind);
  return fs.promises.mkdtemp(path.join(os.tmpdir(), `biaflow-${kind}-${process.pid}-`));
}
