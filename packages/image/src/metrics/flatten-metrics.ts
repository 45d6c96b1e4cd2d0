/** A metrics cell after flattening: numbers, strings, booleans or null (arrays become JSON text). */
export type MetricsCell = number | string | boolean | null;

/**
 * `{matching: {"0.5": {f1: 1}}}` → `{"matching.0.5.f1": 1}`, the dotted keys of biaflow's
 * `metrics.csv`, its report's tables and a workflow's `mainFigure.key`. Arrays (a confusion matrix) become JSON text.
 */
export function flattenMetrics(row: Record<string, unknown>, prefix = ''): Record<string, MetricsCell> {
  const out: Record<string, MetricsCell> = {};
  for (const [k, v] of Object.entries(row)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenMetrics(v as Record<string, unknown>, key));
    else if (Array.isArray(v)) out[key] = JSON.stringify(v);
    else out[key] = v === undefined ? null : (v as MetricsCell);
  }
  return out;
}
