import { clip, csvCell, excerpt, ImageError, splitCsvLine, type PointList } from '@biaflow/image';

/**
 * Point lists in BiaPy's (napari's) CSV layout: one row per point, coordinates in columns
 * `axis-0`, `axis-1`[, `axis-2`] in array axis order (row, column for 2D; plane, row, column for 3D),
 * an optional integer `class`, an optional score (`prob`; also read from `probability`/`score`).
 * Other columns (napari's `index`, anything a user added) are kept as text in `extra`.
 */
export interface PointsFile extends PointList {
  /** The header as found in the file. */
  columns: string[];
  /** Columns other than coordinates, class and score, as raw text, one entry per point. */
  extra: Record<string, string[]>;
}

const SCORE_COLUMNS = ['prob', 'probability', 'score'];

export function parsePointsCsv(file: string, text: string): PointsFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex < 0) throw new ImageError('points CSV is empty: expected a header with axis-0, axis-1[, axis-2]', { file });
  const columns = splitCsvLine(lines[headerIndex]).map((c) => c.trim());
  const find = (name: string) => columns.findIndex((c) => c.toLowerCase() === name);
  const a0 = find('axis-0');
  const a1 = find('axis-1');
  const a2 = find('axis-2');
  const missing = [a0 < 0 ? 'axis-0' : '', a1 < 0 ? 'axis-1' : ''].filter(Boolean);
  if (missing.length > 0) {
    throw new ImageError(
      `points CSV has no ${missing.join(' or ')} column (found: ${columns.join(', ') || 'nothing'}); ` +
        'expected BiaPy/napari columns axis-0, axis-1[, axis-2] = row, column[, plane first for 3D]',
      { file },
    );
  }
  const ndim: 2 | 3 = a2 >= 0 ? 3 : 2;
  const coordCols = ndim === 3 ? [a0, a1, a2] : [a0, a1];
  const classCol = find('class');
  const scoreCol = columns.findIndex((c) => SCORE_COLUMNS.includes(c.toLowerCase()));
  const extraCols = columns
    .map((_, i) => i)
    .filter((i) => !coordCols.includes(i) && i !== classCol && i !== scoreCol);

  const rows = lines.slice(headerIndex + 1).map((l, k) => [l, headerIndex + 2 + k] as const).filter(([l]) => l.trim() !== '');
  const n = rows.length;
  const coordinates = new Float64Array(n * ndim);
  const classes = classCol >= 0 ? new Int32Array(n) : undefined;
  const scores = scoreCol >= 0 ? new Float32Array(n) : undefined;
  const extra: Record<string, string[]> = {};
  for (const i of extraCols) extra[columns[i]] = new Array<string>(n);

  rows.forEach(([line, lineNo], p) => {
    const f = splitCsvLine(line);
    const num = (col: number): number => {
      const raw = (f[col] ?? '').trim();
      const v = raw === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) {
        throw new ImageError(`line ${lineNo}: column ${clip(columns[col], 40)} is ${excerpt(raw, 40, "'")}, not a number`, { file });
      }
      return v;
    };
    coordCols.forEach((col, d) => {
      coordinates[p * ndim + d] = num(col);
    });
    if (classes) {
      const v = num(classCol);
      if (!Number.isInteger(v)) throw new ImageError(`line ${lineNo}: class ${excerpt(f[classCol], 40, "'")} is not an integer`, { file });
      classes[p] = v;
    }
    if (scores) scores[p] = num(scoreCol);
    for (const i of extraCols) extra[columns[i]][p] = (f[i] ?? '').trim();
  });
  return { ndim, coordinates, ...(classes ? { classes } : {}), ...(scores ? { scores } : {}), columns, extra };
}

/** The CSV text for a point list: `index,axis-0,axis-1[,axis-2][,class][,prob]`, like BiaPy writes. */
export function formatPointsCsv(points: PointList, file = 'points'): string {
  const { ndim, coordinates } = points;
  if (ndim !== 2 && ndim !== 3) throw new ImageError(`points must be 2D or 3D, got ndim ${String(ndim)}`, { file });
  if (coordinates.length % ndim !== 0) {
    throw new ImageError(`${coordinates.length} coordinates do not make whole ${ndim}D points`, { file });
  }
  const n = coordinates.length / ndim;
  if (points.classes && points.classes.length !== n) throw new ImageError(`${points.classes.length} classes for ${n} points`, { file });
  if (points.scores && points.scores.length !== n) throw new ImageError(`${points.scores.length} scores for ${n} points`, { file });
  const header = ['index', 'axis-0', 'axis-1', ...(ndim === 3 ? ['axis-2'] : []), ...(points.classes ? ['class'] : []), ...(points.scores ? ['prob'] : [])];
  // Every cell goes through csvCell, as in biaflow's other CSVs (numbers are written as they are).
  const lines = [header.map(csvCell).join(',')];
  for (let p = 0; p < n; p++) {
    const row: number[] = [p];
    for (let d = 0; d < ndim; d++) row.push(coordinates[p * ndim + d]);
    if (points.classes) row.push(points.classes[p]);
    if (points.scores) row.push(points.scores[p]);
    lines.push(row.map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}
