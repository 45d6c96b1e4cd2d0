import fs from 'node:fs';
import { csvCellText, excerpt, InputError } from '@biaflow/core';

/** One row of `predictions.csv`: the image (as the run named it) and its predicted class. */
export interface PredictedClass {
  image: string;
  className: string;
  classIndex: number | null;
  /** Score per class column (`score_<class>`), when present. */
  scores: Record<string, number>;
}

/** Split one CSV line (RFC 4180 quoting) into fields. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Read a classification run's `predictions.csv` (columns `image`, `class`, `class_index`,
 * `score_<class>`...). Class names are kept as text, even when they look like numbers.
 */
export function readPredictionTable(file: string): PredictedClass[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'does not exist: predict first (the predictions table is written by predict / run)' : `cannot be read (${code})`, {
      file,
      cause: e,
    });
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new InputError('is empty: expected a header with image and class columns', { file });
  const header = splitCsvLine(lines[0]).map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  const [imageCol, classCol, indexCol] = [col('image'), col('class'), col('class_index')];
  if (imageCol < 0 || (classCol < 0 && indexCol < 0)) {
    throw new InputError(`has columns ${excerpt(header.join(', '), 120)}; a predictions table needs image and class (or class_index)`, { file });
  }
  const scoreCols = header.map((h, i) => [h, i] as const).filter(([h]) => h.startsWith('score_'));
  return lines.slice(1).map((line, k) => {
    const cells = splitCsvLine(line);
    // Names and classes come back as written: the quote core puts before a formula-like cell is removed.
    const image = csvCellText((cells[imageCol] ?? '').trim());
    const rawIndex = indexCol >= 0 ? (cells[indexCol] ?? '').trim() : '';
    const classIndex = rawIndex === '' ? null : Number(rawIndex);
    const className = classCol >= 0 ? csvCellText((cells[classCol] ?? '').trim()) : rawIndex;
    if (!image || className === '' || (classIndex !== null && !Number.isInteger(classIndex))) {
      throw new InputError(`line ${k + 2}: needs an image name and a class`, { file });
    }
    const scores: Record<string, number> = {};
    for (const [h, i] of scoreCols) {
      // An empty cell is no score (Number('') would be 0).
      const raw = (cells[i] ?? '').trim();
      scores[h.slice('score_'.length)] = raw === '' ? NaN : Number(raw);
    }
    return { image, className, classIndex, scores };
  });
}
