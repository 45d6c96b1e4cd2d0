import fs from 'node:fs';
import path from 'node:path';

/**
 * Create a folder and its missing parents one at a time, never with `mkdir -p` semantics in one
 * call: Node's recursive mkdir loops forever (at 100 % CPU) when the kernel answers ENOENT for a
 * parent that exists, as /proc does. A failure is the plain system-call error of the component
 * that could not be made (EROFS, ENOTDIR...), for the caller to explain.
 */

/** The nearest folder (or file) on the way up from `p` that exists, and the missing names below it, top first. */
export function nearestExisting(p: string): { existing: string; missing: string[] } {
  const missing: string[] = [];
  let at = path.resolve(p);
  while (!fs.statSync(at, { throwIfNoEntry: false })) {
    missing.unshift(at);
    const up = path.dirname(at);
    if (up === at) break;
    at = up;
  }
  return { existing: at, missing };
}

export function makeDirsSync(dir: string): void {
  for (const d of nearestExisting(dir).missing) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      // Another process made it in between: fine if it is a folder.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(d).isDirectory()) throw e;
    }
  }
}

export async function makeDirs(dir: string): Promise<void> {
  // The common case first: the folder is there.
  const found = await fs.promises.stat(dir).catch(() => undefined);
  if (found?.isDirectory()) return;
  makeDirsSync(dir);
}
