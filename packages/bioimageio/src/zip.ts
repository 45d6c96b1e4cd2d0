import { Inflate, zipSync, type Zippable } from 'fflate';
import { bytesText } from './bytes-text';
import { BioimageioError } from './errors';
import { packagePath } from './description/file-references';
import { quote } from './printable';
import { entryData, readZipDirectory, type ZipEntryRecord } from './zip-directory';

/**
 * Zip archives of packages, in memory (fflate, pure JS). Entry names are checked when an
 * archive is opened: an entry that would land outside the package (`..`, an absolute path), or a
 * name given twice, makes the whole archive refused. An entry is inflated only when asked for, and
 * never past a cap: its declared size is checked before inflating (`MAX_ZIP_ENTRY_BYTES`, or the
 * caller's smaller cap), and inflating stops as soon as the output passes the declared size, so an
 * entry whose header lies (a few MB declaring a few KB, inflating to gigabytes) is refused after a
 * few KB, whatever its header says.
 */
export interface ZipIndex {
  /** Normalized names of the file entries (directories left out). */
  names: Set<string>;
  /** Normalized name → name as stored. */
  stored: Map<string, string>;
  /** Normalized name → its central directory record. */
  entries: Map<string, ZipEntryRecord>;
}

/**
 * The largest file biaflow takes out of a zip archive: 1 GiB (2^30 bytes). Zoo packages hold weights
 * of up to a few hundred MB; a larger entry is far more likely a decompression bomb. A package that
 * really holds a larger file can be unpacked into a folder and given as the folder (a folder's files
 * are read as they are, with no inflation).
 */
export const MAX_ZIP_ENTRY_BYTES = 2 ** 30;

/** Compressed bytes given to the inflater at a time: deflate inflates at most ~1032×, so one step yields at most ~17 MB. */
const INFLATE_STEP = 16 * 1024;

export function indexZip(bytes: Uint8Array, file: string): ZipIndex {
  const names = new Set<string>();
  const stored = new Map<string, string>();
  const entries = new Map<string, ZipEntryRecord>();
  for (const entry of readZipDirectory(bytes, file)) {
    if (entry.name.endsWith('/')) continue;
    let name: string;
    try {
      name = packagePath(entry.name);
    } catch (e) {
      throw new BioimageioError(`refusing the archive: entry ${quote(entry.name)} ${(e as Error).message.replace(/^'[^']*' /, '')}`, { file });
    }
    // Two entries for one file: which one is "the" file would depend on the reader.
    if (names.has(name)) throw new BioimageioError(`refusing the archive: it holds ${quote(name)} twice (as ${quote(stored.get(name))} and ${quote(entry.name)})`, { file });
    names.add(name);
    stored.set(name, entry.name);
    entries.set(name, entry);
  }
  return { names, stored, entries };
}

export interface ZipReadOptions {
  /** Refuse an entry larger than this many bytes (declared or inflated). Default `MAX_ZIP_ENTRY_BYTES`. */
  maxBytes?: number;
  /** Why this cap, for the message (default: biaflow's cap on a file taken out of a zip). */
  limit?: string;
  /** What to do about it, for the message. */
  hint?: string;
}

/** One entry's bytes (decompressing only that entry, and never past its declared size or the cap). */
export function readZipEntry(bytes: Uint8Array, index: ZipIndex, name: string, file: string, options: ZipReadOptions = {}): Uint8Array {
  const entry = index.entries.get(name);
  if (entry === undefined) throw new BioimageioError(`no entry ${quote(name)} in the archive`, { file });
  const where = `entry ${quote(entry.name)}`;
  const max = options.maxBytes ?? MAX_ZIP_ENTRY_BYTES;
  const limit = options.limit ?? "biaflow's cap on a file taken out of a zip archive";
  const hint = options.hint ?? 'a package holding a file this large can be unpacked into a folder and given as the folder';
  const tooLarge = (what: string) => new BioimageioError(`${where} ${what}, more than ${bytesText(max)} (${limit}); refused before inflating it`, { file, hint });
  if (entry.flags & 1) throw new BioimageioError(`${where} is encrypted; biaflow reads unencrypted archives`, { file });
  if (entry.declaredSize > max) throw tooLarge(`declares ${bytesText(entry.declaredSize)}`);
  const data = entryData(bytes, entry, file);
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.declaredSize) {
      throw new BioimageioError(`not a readable zip archive (${where} is stored uncompressed in ${entry.compressedSize} bytes but declares ${entry.declaredSize})`, { file });
    }
    return data.slice();
  }
  if (entry.method !== 8) throw new BioimageioError(`${where} uses compression method ${entry.method}; biaflow reads stored and deflated entries`, { file });
  return inflateAtMost(data, entry.declaredSize, {
    overflow: () => new BioimageioError(`${where} inflates to more than the ${bytesText(entry.declaredSize)} it declares (a decompression bomb, or a damaged archive); stopped there`, { file }),
    damaged: (reason) => new BioimageioError(`not a readable zip archive (${where} ${reason})`, { file }),
  });
}

/**
 * Inflate `data` into a buffer of exactly `size` bytes, a step of compressed input at a time: the
 * output never grows past `size` (the inflater is abandoned at the first byte beyond it).
 */
function inflateAtMost(data: Uint8Array, size: number, errors: { overflow(): Error; damaged(reason: string): Error }): Uint8Array {
  const out = new Uint8Array(size);
  let written = 0;
  let overflowed = false;
  const inflater = new Inflate((chunk) => {
    if (written + chunk.length > size) {
      overflowed = true;
      throw errors.overflow();
    }
    out.set(chunk, written);
    written += chunk.length;
  });
  try {
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
    for (let at = 0; at < data.length; at += INFLATE_STEP) inflater.push(data.subarray(at, at + INFLATE_STEP), at + INFLATE_STEP >= data.length);
  } catch (e) {
    if (overflowed) throw e;
    throw errors.damaged(`cannot be inflated: ${(e as Error).message}`);
  }
  if (written !== size) throw errors.damaged(`inflates to ${written} bytes but declares ${size}`);
  return out;
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
