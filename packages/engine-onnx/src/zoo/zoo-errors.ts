import { BioimageioError } from '@biaflow/bioimageio';
import { InputError } from '../core-api';

/**
 * Run `work`, turning a `BioimageioError` (a bad package or tensor, located by file and field) into
 * core's `InputError`, so the CLI exits 2 with the message and no stack trace.
 */
export async function asInputError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof BioimageioError) throw new InputError(e.message, { hint: e.hint, cause: e });
    throw e;
  }
}
