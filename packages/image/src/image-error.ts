/**
 * A bad argument to an image function: a shape that does not match its data, floats where labels
 * must be integers, an option out of range. The message names the function and the argument.
 *
 * This package cannot use core's error classes (it imports nothing from biaflow's Node packages, so it
 * runs in a browser); core's CLI maps an `ImageError` to exit code 2, like its own input errors.
 */
export class ImageError extends Error {
  /** What the caller can do about it, when there is something to say. */
  readonly hint?: string;
  /** The file (or argument) the bad input came from, when the caller named one: the message starts with it. */
  readonly file?: string;

  constructor(message: string, options: { hint?: string; cause?: unknown; file?: string } = {}) {
    super(options.file ? `${options.file}: ${message}` : message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ImageError';
    this.hint = options.hint;
    this.file = options.file;
  }
}

/** True for an `ImageError`, also one thrown by a second copy of this package (checked by name, not class). */
export function isImageError(e: unknown): e is ImageError {
  return e instanceof Error && e.name === 'ImageError';
}
