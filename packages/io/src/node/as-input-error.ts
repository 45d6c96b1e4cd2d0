import { InputError } from '@biaflow/core';
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
