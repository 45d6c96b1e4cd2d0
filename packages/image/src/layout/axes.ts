import { ImageError } from '../image-error';
import { excerpt } from '../text/printable';

/** Axis letters biaflow understands: time, depth, channel, rows, columns, samples (RGB). */
export const AXIS_LETTERS = 'TZCYXS';

/** The axes a bare array of `ndim` dimensions is taken to have when none are given. */
export function defaultAxes(ndim: number, what: string): string {
  if (ndim === 2) return 'YX';
  if (ndim === 3) return 'ZYX';
  throw new ImageError(
    `cannot tell the axes of a ${ndim}-D array; pass axes (letters from ${AXIS_LETTERS}, e.g. 'CZYX')`,
    { file: what },
  );
}

/** Check `axes` against a shape: letters from TZCYXS, each once, Y and X present, one letter per dimension. */
export function validateAxes(axes: string, shape: readonly number[], what: string): string {
  const a = axes.toUpperCase();
  const fail = (msg: string): never => {
    throw new ImageError(`axes ${excerpt(axes, 40, "'")} ${msg}`, { file: what });
  };
  if (a.length !== shape.length) fail(`name ${a.length} axes but the array has ${shape.length} dimensions [${shape.join(', ')}]`);
  for (const ch of a) if (!AXIS_LETTERS.includes(ch)) fail(`contain '${ch}', not one of ${AXIS_LETTERS}`);
  if (new Set(a).size !== a.length) fail('repeat a letter');
  if (!a.includes('Y') || !a.includes('X')) fail('must include Y and X');
  return a;
}
