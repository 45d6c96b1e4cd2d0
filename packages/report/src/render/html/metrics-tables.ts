import type { ReportMetrics } from '../report-data';
import { escapeHtml } from './escape';
import { flattenMetrics, formatCell, sortKey, type Cell } from './flatten';

/** Per-image tables wider than this show only the main figure's group and the top-level figures. */
const MAX_COLUMNS = 16;

/**
 * A table the page's script makes sortable: click a header to sort by that column (numbers as
 * numbers, empty cells last), again to reverse. Cells carry their raw value in `data-sort`.
 */
function sortableTable(id: string, columns: string[], rows: Record<string, Cell>[], highlight?: string): string {
  const head = columns
    .map((c) => `<th scope="col" data-column="${escapeHtml(c)}"${c === highlight ? ' class="main-figure"' : ''}><button type="button">${escapeHtml(c)}</button></th>`)
    .join('');
  const body = rows
    .map((row) => `<tr>${columns.map((c) => {
      const v = row[c] ?? null;
      return `<td data-sort="${escapeHtml(sortKey(v))}"${typeof v === 'number' ? ' class="num"' : ''}>${escapeHtml(formatCell(v))}</td>`;
    }).join('')}</tr>`)
    .join('');
  return `<table class="sortable metrics" id="${escapeHtml(id)}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** `group.threshold.field` with a numeric threshold, e.g. `matching.0.5.f1` (the group is the shortest prefix that fits). */
const THRESHOLD_KEY = /^(.+?)\.(\d+(?:\.\d+)?)\.([^.]+)$/;

/**
 * Overall figures: groups keyed by threshold (`matching.0.5.f1`, …) as one table per group with a
 * row per threshold; a confusion matrix (`confusion_matrix` with `classes`) as a matrix; the rest as
 * figure / value rows.
 */
export function overallTables(overall: ReportMetrics['overall'], mainKey: string): string {
  const parts: string[] = [];
  const rest: Record<string, unknown> = { ...overall };
  const cm = overall.confusion_matrix;
  const classes = overall.classes;
  if (Array.isArray(cm) && cm.every(Array.isArray) && Array.isArray(classes) && classes.length === cm.length) {
    delete rest.confusion_matrix;
    delete rest.classes;
    const names = classes.map((c) => escapeHtml(c));
    parts.push(
      `<table class="confusion" id="confusion-matrix"><caption>Confusion matrix (rows: true class, columns: predicted class)</caption><thead><tr><th></th>${names.map((n) => `<th scope="col">${n}</th>`).join('')}</tr></thead><tbody>${(cm as unknown[][])
        .map((row, i) => `<tr><th scope="row">${names[i]}</th>${row.map((v, j) => `<td class="num${i === j ? ' diagonal' : ''}">${escapeHtml(v)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`,
    );
  }
  const flat = flattenMetrics(rest);
  const grouped = new Map<string, Map<string, Record<string, Cell>>>();
  const plain: Record<string, Cell>[] = [];
  for (const [key, value] of Object.entries(flat)) {
    const m = THRESHOLD_KEY.exec(key);
    if (m) {
      const [, group, threshold, field] = m;
      if (!grouped.has(group)) grouped.set(group, new Map());
      const rows = grouped.get(group) as Map<string, Record<string, Cell>>;
      if (!rows.has(threshold)) rows.set(threshold, { threshold: Number(threshold) });
      (rows.get(threshold) as Record<string, Cell>)[field] = value;
    } else {
      plain.push({ figure: key, value });
    }
  }
  for (const [group, rows] of grouped) {
    if (rows.size < 2) {
      // A lone threshold reads better as plain rows.
      for (const [t, row] of rows) for (const [f, v] of Object.entries(row)) if (f !== 'threshold') plain.push({ figure: `${group}.${t}.${f}`, value: v });
      continue;
    }
    const columns = ['threshold'];
    for (const row of rows.values()) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
    const mm = THRESHOLD_KEY.exec(mainKey);
    const highlight = mm && mm[1] === group ? mm[3] : undefined;
    parts.push(`<h3>${escapeHtml(group)} (per threshold)</h3>${sortableTable(`overall-${group}`, columns, [...rows.values()], highlight)}`);
  }
  if (plain.length) {
    const table = sortableTable('overall-figures', ['figure', 'value'], plain);
    parts.unshift(table.replace(`<td data-sort="${escapeHtml(mainKey)}">`, `<td data-sort="${escapeHtml(mainKey)}" class="main-figure">`));
  }
  return parts.join('');
}

/**
 * One row per image: `image`, the main figure, then the other figures in `metrics.json` order. When
 * there are more than 16 columns, only the main figure's siblings (`matching.0.5.*`) and top-level
 * figures are shown, and the table says how many were left out (all are in the embedded JSON).
 */
export function perImageTable(perImage: ReportMetrics['per_image'], mainKey: string): string {
  const rows = perImage.map((r) => flattenMetrics(r));
  let columns: string[] = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  const all = columns.length;
  columns = ['image', ...(columns.includes(mainKey) ? [mainKey] : []), ...columns.filter((c) => c !== 'image' && c !== mainKey)];
  let note = '';
  if (columns.length > MAX_COLUMNS) {
    const parent = mainKey.includes('.') ? mainKey.slice(0, mainKey.lastIndexOf('.') + 1) : '';
    columns = columns.filter((c, i) => i < 2 || (parent && c.startsWith(parent) && !c.slice(parent.length).includes('.')) || !c.includes('.'));
    note = `<p class="note">${all - columns.length} more column(s) per image are in metrics.json and in this page's embedded data.</p>`;
  }
  return sortableTable('per-image', columns, rows, mainKey) + note;
}
