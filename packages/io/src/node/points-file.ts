import fs from 'node:fs';
import { InputError, writeFileAtomic } from '@biaflow/core';
import type { PointList } from '@biaflow/image';
import { formatPointsCsv as format, parsePointsCsv as parse, type PointsFile } from '../codecs/points-csv';
import { asDataError, asInputError } from './as-input-error';

/** `parsePointsCsv`; a bad CSV is a `DataError` (an `InputError`) naming the file. */
export function parsePointsCsv(file: string, text: string): PointsFile {
  try {
    return parse(file, text);
  } catch (e) {
    throw asDataError(e);
  }
}

/** `formatPointsCsv`; points that make no whole list are an `InputError` naming the file. */
export function formatPointsCsv(points: PointList, file = 'points'): string {
  try {
    return format(points, file);
  } catch (e) {
    throw asInputError(e);
  }
}

/** Read a points CSV (see `PointsFile`); strict about missing coordinate columns, tolerant of extra ones. */
export async function readPoints(file: string): Promise<PointsFile> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'points file does not exist' : `cannot read points file (${code})`, { file, cause: e });
  }
  return parsePointsCsv(file, text);
}

/** Write a point list as CSV, atomically. */
export async function writePoints(file: string, points: PointList): Promise<void> {
  await writeFileAtomic(file, formatPointsCsv(points, file));
}
