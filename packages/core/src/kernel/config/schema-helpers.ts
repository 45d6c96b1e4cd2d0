import { z } from 'zod';

/**
 * A filesystem path. Marked so the loader can resolve it: from the config file's folder when
 * written in a config file, from the working directory when given with `--set`.
 */
export const pathString = () => z.string().min(1).meta({ format: 'path' });

/**
 * A model: a path (resolved as `pathString`), or the name of a model an installed package ships
 * (kept as written when no file of that name exists; looked up when the model is opened).
 */
export const modelRef = () => z.string().min(1).meta({ format: 'model-ref' });

/** A probability in [0, 1]. */
export const probability = () => z.number().min(0).max(1);

/** A positive integer. */
export const positiveInt = () => z.number().int().positive();

/** A number or the word `auto` (for thresholds picked by Otsu's method). */
export const numberOrAuto = () => z.union([z.number(), z.literal('auto')]);

/** A strict section whose missing keys take their defaults. */
export function section<T extends z.ZodRawShape>(shape: T, description: string) {
  // `{}` is valid input when every key has a default or is optional, which section() callers ensure.
  return z.strictObject(shape).prefault({} as never).describe(description);
}
