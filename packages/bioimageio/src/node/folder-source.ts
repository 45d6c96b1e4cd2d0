import fs from 'node:fs';
import path from 'node:path';
import { BioimageioError } from '../errors';
import type { PackageSource } from '../package-source';
import { bytesText } from '../bytes-text';
import { printable } from '../printable';
import { sha256File } from './sha256';

/** What a file system entry is, in words, for a refusal. */
function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * A package unpacked in a folder. Its files must be regular files inside the package: a package is
 * data from elsewhere, and a symbolic link in it could make biaflow read (and quote in a message, or
 * run as weights) any file of the person reading it — `bioimageio.yaml → /proc/self/environ`,
 * `weights.onnx → ~/other-model.onnx` — and a device or a named pipe would never end or never come.
 * So a file is refused, naming it, when its real path (links followed) leaves the package's real
 * folder, or when it is not a regular file. A link that stays inside the package is followed (a
 * package may share one file under two names); the package folder itself may be reached through
 * links (the person chose it).
 */
export function folderSource(root: string): PackageSource {
  const resolved = path.resolve(root);
  const at = (p: string) => path.join(resolved, ...p.split('/'));
  const where = (p: string) => path.join(root, p);
  let realRoot: string | undefined;

  /** The real path of package file `p`; undefined when there is no entry; a BioimageioError naming it when it may not be read. */
  async function regularFile(p: string): Promise<string | undefined> {
    const file = at(p);
    let link: boolean;
    try {
      link = (await fs.promises.lstat(file)).isSymbolicLink();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw new BioimageioError(`cannot read ${printable(p)} (${code ?? (e as Error).message})`, { file: where(p), cause: e });
    }
    realRoot ??= await fs.promises.realpath(resolved);
    let real: string;
    try {
      real = await fs.promises.realpath(file);
    } catch (e) {
      // A link to nothing (or into a folder that cannot be entered).
      const target = await fs.promises.readlink(file).catch(() => undefined);
      throw new BioimageioError(`is a symbolic link${target === undefined ? '' : ` to ${printable(target)}`}, which cannot be followed (${(e as NodeJS.ErrnoException).code ?? 'error'})`, {
        file: where(p),
        hint: 'a package holds its files, not links to files elsewhere: get the package again',
        cause: e,
      });
    }
    const via = link || real !== path.join(realRoot, path.relative(resolved, file)) ? ` (through a symbolic link to ${printable(real)})` : '';
    // Told first: a device or a named pipe is refused whether inside the package or not (and never opened).
    const stat = await fs.promises.stat(real);
    if (!stat.isFile()) {
      throw new BioimageioError(`is ${kindOf(stat)}, not a regular file${via}; a package's files are read only when they are regular files`, {
        file: where(p),
        hint: 'a package holds regular files: get the package again',
      });
    }
    if (!real.startsWith(realRoot + path.sep)) {
      throw new BioimageioError(`leads outside the package${via}; a package's files are read only from inside it`, {
        file: where(p),
        hint: 'a package holds its files, not links to files elsewhere: get the package again, or copy the file into it',
      });
    }
    return real;
  }

  /** The real path of package file `p`, which must be there. */
  async function existing(p: string): Promise<string> {
    const real = await regularFile(p);
    if (real === undefined) throw new BioimageioError(`cannot read ${printable(p)}: there is no such file in the package`, { file: where(p) });
    return real;
  }

  return {
    location: root,
    async exists(p) {
      return (await regularFile(p)) !== undefined;
    },
    async read(p, limit) {
      const real = await existing(p);
      let handle: fs.promises.FileHandle | undefined;
      try {
        handle = await fs.promises.open(real, 'r');
        // The size of the file opened (not of a path that could change before reading), checked before any byte is read.
        const size = (await handle.stat()).size;
        if (limit && size > limit.maxBytes) {
          throw new BioimageioError(`is ${bytesText(size)}, more than ${bytesText(limit.maxBytes)} (${limit.limit}); refused before reading it`, { file: where(p), hint: limit.hint });
        }
        return new Uint8Array(await handle.readFile());
      } catch (e) {
        if (e instanceof BioimageioError) throw e;
        throw new BioimageioError(`cannot read ${printable(p)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: where(p), cause: e });
      } finally {
        await handle?.close();
      }
    },
    async sha256(p) {
      const real = await existing(p);
      try {
        return await sha256File(real);
      } catch (e) {
        throw new BioimageioError(`cannot read ${printable(p)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file: where(p), cause: e });
      }
    },
  };
}
