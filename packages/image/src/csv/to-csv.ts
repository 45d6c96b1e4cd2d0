import { csvCell } from './csv-cell';

/** Rows to CSV with the union of their columns, in first-seen order; text cells a spreadsheet would run as formulas are guarded (`csvCell`). */
export function toCsv(rows: Record<string, unknown>[]): string {
  const columns: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!columns.includes(k)) columns.push(k);
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c])).join(','));
  return `${lines.join('\n')}\n`;
}
