import { DataError, InputError } from '@biaflow/core';
import { isImageError } from '@biaflow/image';

/**
 * The codecs are pure and throw `ImageError`s naming the file; in Node, a bad file is core's
 * `InputError` (exit 2, the file in `error.file`), as every other bad input is.
 */
export function asInputError(e: unknown): unknown {
  if (!isImageError(e)) return e;
  const file = (e as { file?: string }).file;
  const message = file && e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message;
  return new InputError(message, { file, hint: e.hint, cause: e });
}

/**
 * `asInputError` for a file being read: its content is bad (not an image, a cut file, a CSV without
 * its columns), a problem of the data whoever asked to read it — biaflow's own `DataError`, never the
 * failure of a plugin whose stage read it (a file that is not there keeps naming that plugin: its path
 * may be the plugin's mistake).
 */
export function asDataError(e: unknown): unknown {
  if (!isImageError(e)) return e;
  const file = (e as { file?: string }).file;
  const message = file && e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message;
  return new DataError(message, { file, hint: e.hint, cause: e });
}
