import type { Figure } from '../kernel/contributions/workflow';
import { figureAt } from '../run/figure-at';

function show(value: number | null): string {
  if (value === null) return '-';
  // Counts as they are; fractions (F1 0 or 1 included) with four decimals, so a column lines up.
  if (Number.isInteger(value) && Math.abs(value) > 1) return String(value);
  return value.toFixed(4);
}

/**
 * The short table a command that evaluated ends with: each figure the workflow declares for its
 * summary, from `overall` as `metrics.json` holds it (`-` where it is undefined), then where the
 * full metrics and the report are (the report only when one was written).
 *
 *     results over 4 test images
 *       F1 at IoU 0.5          0.7412
 *       precision at IoU 0.5   0.8000
 *     metrics: runs/x/metrics.json
 *     report:  runs/x/report.html
 */
export function formatSummary(options: {
  figures: readonly Figure[];
  overall: Record<string, unknown>;
  images?: number;
  metricsFile: string;
  /** Where the report is; undefined when none was written (no line then). */
  reportFile?: string;
}): string {
  const rows = options.figures.map((f) => [f.label, show(figureAt(options.overall, f.key))] as const);
  const width = Math.max(...rows.map(([label]) => label.length));
  const head = options.images === undefined ? 'results' : `results over ${options.images} test image${options.images === 1 ? '' : 's'}`;
  return [
    head,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value.padStart(8)}`),
    `metrics: ${options.metricsFile}`,
    ...(options.reportFile === undefined ? [] : [`report:  ${options.reportFile}`]),
    '',
  ].join('\n');
}
