/** A metrics cell after flattening: numbers, strings, booleans or null (arrays become JSON text). */
export type Cell = number | string | boolean | null;

/**
 * `{matching: {"0.5": {f1: 1}}}` → `{"matching.0.5.f1": 1}`, the same dotted keys as core's
 * `metrics.csv` and as `workflow.mainFigure.key`. Arrays (a confusion matrix) become JSON text.
 */
export function flattenMetrics(row: Record<string, unknown>, prefix = ''): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const [k, v] of Object.entries(row)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenMetrics(v as Record<string, unknown>, key));
    else if (Array.isArray(v)) out[key] = JSON.stringify(v);
    else out[key] = v === undefined ? null : (v as Cell);
  }
  return out;
}

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
