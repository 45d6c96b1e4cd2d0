/** Text a spreadsheet runs as a formula: `=`, `+`, `-`, `@`, tab or CR first (after any guarding quotes). */
const FORMULA_START = /^'*[=+\-@\t\r]/;
/** Text that is a plain decimal number, which a spreadsheet reads as that number. */
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One CSV cell, written so a spreadsheet shows it as the text it is. A cell starting with `=`, `+`,
 * `-`, `@`, tab or carriage return is run as a formula by Excel, LibreOffice and Google Sheets (CSV
 * injection: an image named `=HYPERLINK(…)`), so such text gets a leading `'`, as OWASP advises.
 * Numbers stay numbers: a JS number, or text that is a plain decimal number (`-1.5`, `+3`, `1e-5`),
 * is written as it is. Text already starting with quotes before such a character gets one more, so
 * `csvCellText` gives back exactly what was written.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v !== 'number' && FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The text of a cell `csvCell` wrote (already unquoted by the line splitter): the guarding `'` removed. */
export function csvCellText(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
