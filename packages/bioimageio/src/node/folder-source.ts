import fs from 'node:fs';
import path from 'node:path';
import { BioimageioError } from '../errors';
import type { PackageSource } from '../package-source';
import { bytesText } from '../bytes-text';
import { sha256File } from './sha256';

/** A package unpacked in a folder. */
export function folderSource(root: string): PackageSource {
  const resolved = path.resolve(root);
  const at = (p: string) => path.join(resolved, ...p.split('/'));
  return {
    location: root,
    async exists(p) {
      try {
        return (await fs.promises.stat(at(p))).isFile();
      } catch {
        return false;
      }
    },
    async read(p, limit) {
      let handle: fs.promises.FileHandle | undefined;
      try {
        handle = await fs.promises.open(at(p), 'r');
        // The size of the file opened (not of a path that could change before reading), checked before any byte is read.
        const size = (await handle.stat()).size;
        if (limit && size > limit.maxBytes) {
          throw new BioimageioError(`is ${bytesText(size)}, more than ${bytesText(limit.maxBytes)} (${limit.limit}); refused before reading it`, { file: path.join(root, p), hint: limit.hint });
        }
        return new Uint8Array(await handle.readFile());
      } catch (e) {
        if (e instanceof BioimageioError) throw e;
        throw new BioimageioError(`cannot read ${p} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path.join(root, p), cause: e });
      } finally {
        await handle?.close();
      }
    },
    sha256: (p) => sha256File(at(p))
  };
}
