import path from 'node:path';
import { flattenMetrics } from '@biaflow/report';
import { csvCell } from '../io/csv-cell';
import type { MetricsReport } from '../kernel/stages';
import { writeFileAtomic } from './atomic-write';
import { RunFiles } from './run-folder';
import { assertNoLinkInRunFolder } from './run-folder-links';

/** Replace NaN and infinities by null: `metrics.json` never holds a value JSON cannot. */
export function sanitizeMetrics<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? value : null) as T;
  if (Array.isArray(value)) return value.map(sanitizeMetrics) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeMetrics(v)])) as T;
  }
  return value;
}

/**
 * `{matching: {"0.5": {f1: 1}}}` → `{"matching.0.5.f1": 1}`; arrays become JSON text. The report's
 * own flattening (its metrics tables use the same column names as metrics.csv).
 */
export const flattenRow: (row: Record<string, unknown>) => Record<string, string | number | boolean | null> = (row) => flattenMetrics(row);

export { csvCell };

/** Rows to CSV with the union of their columns, in first-seen order; text cells a spreadsheet would run as formulas are guarded (`csvCell`). */
export function toCsv(rows: Record<string, unknown>[]): string {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/**
 * Write `metrics.json` and `metrics.csv` (one row per image) into `dir`: the run folder or a
 * post-processing variant inside `runDir` (never written through a link inside the run folder).
 */
export async function writeMetrics(dir: string, report: MetricsReport, runDir = dir): Promise<MetricsReport> {
  const clean = sanitizeMetrics(report);
  for (const f of [RunFiles.metrics, RunFiles.metricsCsv]) assertNoLinkInRunFolder(runDir, path.join(dir, f));
  await writeFileAtomic(path.join(dir, RunFiles.metrics), `${JSON.stringify(clean, null, 2)}\n`);
  await writeFileAtomic(path.join(dir, RunFiles.metricsCsv), toCsv(clean.per_image.map((r) => flattenRow(r))));
  return clean;
}
