import fs from 'node:fs';
import { InputError } from './errors';

/**
 * The largest settings file biaflow parses: 1 MiB, for configs (YAML or JSON, passed, searched or
 * saved in a run folder) and a model bundle's `biaflow.json`. They are a few kilobytes; parsing YAML
 * takes ~150 bytes of memory and microseconds per byte of input, so a 1 GiB file would take the
 * machine (or fail deep inside the parser, naming no file). Checked on the file's size, before a
 * byte is read.
 */
export const MAX_SETTINGS_FILE_BYTES = 2 ** 20;

/**
 * The largest `model.json` (a bundle's network graph and weight list, JSON) read: 16 MiB. Large
 * networks have graphs of a few hundred kilobytes; the weights are in `weights.bin`.
 */
export const MAX_MODEL_JSON_BYTES = 16 * 2 ** 20;

/**
 * Refuse `file` when it is larger than `maxBytes`, naming it, its size and the cap (InputError, exit
 * 2). `what` says what the file is (`a config`). A file that cannot be stat'ed is left to the reader,
 * which reports it as it always did.
 */
export function checkSettingsFileSize(file: string, what: string, maxBytes = MAX_SETTINGS_FILE_BYTES): void {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return;
  }
  if (size <= maxBytes) return;
  throw new InputError(`is ${bytesText(size)}, more than the ${bytesText(maxBytes)} biaflow reads of ${what}; refused before parsing it`, {
    file,
    hint: 'settings files are a few kilobytes: is this the right file? (the cap is fixed: docs/security.md, "Sizes and limits")',
  });
}

/** `1 MiB (1048576 bytes)`, `1.5 GiB (1610612736 bytes)`. */
function bytesText(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u < 0) return `${n} bytes`;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]} (${n} bytes)`;
}
