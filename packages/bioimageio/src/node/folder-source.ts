import fs from 'node:fs';
import path from 'node:path';
import { BioimageioError } from '../errors';
import type { PackageSource } from '../package-source';
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
    async read(p) {
      try {
        return new Uint8Array(await fs.promises.readFile(at(p)));
      } catch (e) {
        throw new BioimageioError(`cannot read ${p} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: path.join(root, p), cause: e });
      }
    },
    sha256: (p) => sha256File(at(p))
  };
}
