import { flattenRow } from './metrics-files';

/**
 * A figure of a metrics object by its dotted key, as metrics.csv names its columns
 * (`matching.0.5.f1`): a finite number, else null.
 */
export function figureAt(overall: Record<string, unknown>, key: string): number | null {
  const value = flattenRow(overall)[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
