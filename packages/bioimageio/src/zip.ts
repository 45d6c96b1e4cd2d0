import { unzipSync, zipSync, type Zippable } from 'fflate';
import { BioimageioError } from './errors';
import { packagePath } from './description/file-references';
import { quote } from './printable';

/**
 * Zip archives of packages, in memory (fflate, pure JS). Entry names are checked when an
 * archive is opened: an entry that would land outside the package (`..`, an absolute path)
 * makes the whole archive refused.
 */
export interface ZipIndex {
  /** Normalized names of the file entries (directories left out). */
  names: Set<string>;
  /** Normalized name → name as stored. */
  stored: Map<string, string>;
}

export function indexZip(bytes: Uint8Array, file: string): ZipIndex {
  const names = new Set<string>();
  const stored = new Map<string, string>();
  try {
    // The filter sees every entry's name; returning false decompresses nothing.
    unzipSync(bytes, {
      filter: (entry) => {
        if (!entry.name.endsWith('/')) {
          let name: string;
          try {
            name = packagePath(entry.name);
          } catch (e) {
            throw new BioimageioError(`refusing the archive: entry ${quote(entry.name)} ${(e as Error).message.replace(/^'[^']*' /, '')}`, { file });
          }
          names.add(name);
          stored.set(name, entry.name);
        }
        return false;
      }
    });
  } catch (e) {
    if (e instanceof BioimageioError) throw e;
    throw new BioimageioError(`not a readable zip archive (${(e as Error).message})`, { file, cause: e });
  }
  return { names, stored };
}

/** One entry's bytes (decompressing only that entry). */
export function readZipEntry(bytes: Uint8Array, index: ZipIndex, name: string, file: string): Uint8Array {
  const stored = index.stored.get(name);
  if (stored === undefined) throw new BioimageioError(`no entry ${quote(name)} in the archive`, { file });
  const out = unzipSync(bytes, { filter: (entry) => entry.name === stored });
  const data = out[stored];
  if (!data) throw new BioimageioError(`entry ${quote(name)} could not be read from the archive`, { file });
  return data;
}

/** A zip archive of `files` (package-relative path → bytes); already-compressed files are stored. */
export function createZip(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const tree: Zippable = {};
  for (const [name, data] of files) {
    const path = packagePath(name);
    // weights and images barely compress; the YAML and .npy tensors do
    const level = /\.(onnx|pt|pth|h5|hdf5|png|jpe?g|tiff?|zip|bin)$/i.test(path) ? 0 : 6;
    tree[path] = [data, { level }];
  }
  return zipSync(tree);
}
