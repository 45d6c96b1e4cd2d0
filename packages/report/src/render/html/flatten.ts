import { flattenMetrics, type MetricsCell as Cell } from '@biaflow/image';

export { flattenMetrics, type Cell };

/** A cell as the table shows it: 4 significant digits for fractions, integers as they are, ✓/✗ for booleans, – for null. */
export function formatCell(v: Cell): string {
  if (v === null) return '–';
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  if (typeof v === 'number') return formatNumber(v);
  return v;
}

export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

/** The value a table sorts by: numbers as they are, booleans 1/0, null last (empty), strings as text. */
export function sortKey(v: Cell): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}
