import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import { IMAGE_EXTENSIONS } from './read-image';

/**
 * Absolute paths of the image files (.tif, .tiff, .png, .jpg, .jpeg, or `extensions`; any case) directly inside
 * `dir`, sorted by name; hidden files (starting with a dot) are skipped. A path to one file returns
 * that file. Names sort by code point, so the order is the same on every machine and locale.
 */
export function listImageFiles(dir: string, extensions: readonly string[] = IMAGE_EXTENSIONS): string[] {
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
    .filter((e) => !e.name.startsWith('.') && extensions.includes(path.extname(e.name).toLowerCase()))
    .filter((e) => e.isFile() || (e.isSymbolicLink() && fs.statSync(path.join(dir, e.name), { throwIfNoEntry: false })?.isFile()))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((n) => path.resolve(dir, n));
}
