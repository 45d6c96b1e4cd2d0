import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';

/**
 * A hidden file, which listings skip: a name starting with a dot (`.DS_Store`, macOS's `._x.tif`
 * resource forks, editors' swap files). A name that is only dots before its extension (`..tif`) is
 * not hidden but a badly named image: it is listed, and whatever would file results under it says so.
 */
export function isHiddenName(name: string): boolean {
  if (!name.startsWith('.')) return false;
  const ext = path.extname(name);
  return !/^\.+$/.test(ext ? name.slice(0, -ext.length) : name);
}

/**
 * Absolute paths of the image files (with one of `extensions`, lower case with the dot; any case in the name) directly inside
 * `dir`, sorted by name; hidden files (`isHiddenName`) are skipped. A path to one file returns
 * that file. Names sort by code point, so the order is the same on every machine and locale.
 */
export function listImageFiles(dir: string, extensions: readonly string[]): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new InputError('image folder does not exist', { file: dir });
  }
  if (stat.isFile()) return [path.resolve(dir)];
  if (!stat.isDirectory()) throw new InputError('is neither a folder nor a file', { file: dir });
  const names = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => !isHiddenName(e.name) && extensions.includes(path.extname(e.name).toLowerCase()))
    .filter((e) => e.isFile() || (e.isSymbolicLink() && fs.statSync(path.join(dir, e.name), { throwIfNoEntry: false })?.isFile()))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((n) => path.resolve(dir, n));
}

/** Absolute paths of the hidden files (not folders) directly inside `dir`, sorted; none when `dir` is not a folder. */
export function hiddenFiles(dir: string): string[] {
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => isHiddenName(e.name) && !e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => path.resolve(dir, n));
}
