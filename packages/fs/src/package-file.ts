import fs from 'node:fs';
import path from 'node:path';
import { InputError } from './errors';
import { printable } from '@biaflow/image';

/** What a file system entry is, in words, for a refusal. */
function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

/**
 * The real path of file `rel` of a folder that is a model (a model bundle: `biaflow.json`,
 * `model.json`, the weights `model.json` names), or an InputError naming it. A model folder may
 * come from elsewhere, so its files must be regular files inside it: a symbolic link whose real
 * path leaves the folder (`weights.bin → ~/.ssh/id_rsa`, a `model.json` naming `../../x`) would
 * have biaflow read, and quote in a message, a file of the person running it; a device or a named
 * pipe would never end or never come. A link that stays inside the folder is followed; the folder
 * itself may be reached through links (the person chose it). Undefined when there is no such entry.
 */
export function packageFile(dir: string, rel: string): string | undefined {
  const root = path.resolve(dir);
  const file = path.resolve(root, rel);
  let link: boolean;
  try {
    link = fs.lstatSync(file).isSymbolicLink();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InputError(`cannot be read (${code ?? (e as Error).message})`, { file, cause: e });
  }
  const hint = "a model folder holds its files, not links to files elsewhere: use the folder as biaflow wrote it (a run's model/ or checkpoints/best)";
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch (e) {
    throw new InputError(`is a symbolic link that cannot be followed (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file, hint, cause: e });
  }
  const realRoot = fs.realpathSync(root);
  const via = link || real !== path.join(realRoot, path.relative(root, file)) ? ` (through a symbolic link to ${printable(real)})` : '';
  // Told first: a device or a named pipe is refused wherever it is (and never opened).
  const stat = fs.statSync(real);
  if (!stat.isFile()) throw new InputError(`is ${kindOf(stat)}, not a regular file${via}; a model's files are read only when they are regular files`, { file, hint });
  if (!real.startsWith(realRoot + path.sep)) throw new InputError(`leads outside the model folder ${printable(root)}${via}; a model's files are read only from inside it`, { file, hint });
  return real;
}
