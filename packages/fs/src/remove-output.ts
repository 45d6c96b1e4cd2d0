import fs from 'node:fs';
import path from 'node:path';
import { assertNoLinkInGuardedFolder } from './run-folder-links';

/**
 * Remove an output of a run folder (a file, or a folder and everything in it; a missing one is
 * fine). Inside a run folder, a link on the way to it is refused (`assertNoLinkInGuardedFolder`): the
 * removal would happen wherever the link points. The entry itself may be a link: Node's `rm` removes
 * a link, never what it points to, and does not follow the links a removed folder holds (checked by
 * packages/core/test/run/run-folder-links.test.ts).
 */
export function removeOutputSync(target: string): void {
  assertNoLinkInGuardedFolder(path.dirname(target));
  fs.rmSync(target, { recursive: true, force: true });
}

export async function removeOutput(target: string): Promise<void> {
  assertNoLinkInGuardedFolder(path.dirname(target));
  await fs.promises.rm(target, { recursive: true, force: true });
}
