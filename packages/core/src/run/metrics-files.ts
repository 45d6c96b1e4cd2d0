import path from 'node:path';
import { csvCell, flattenMetrics, toCsv } from '@biaflow/image';
import type { MetricsReport } from '../kernel/stages';
import { writeFileAtomic } from '@biaflow/fs';
import { RunFiles } from './run-folder';
import { assertNoLinkInRunFolder } from '@biaflow/fs';

/** Replace NaN and infinities by null: `metrics.json` never holds a value JSON cannot. */
function sanitizeMetrics<T>(value: T): T {
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

export { csvCell, toCsv };

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
