import fs from 'node:fs';
import { csvCellText } from '@biaflow/image';
import { splitCsvLine } from '@biaflow/image';
import { toCsv } from './metrics-files';
import { writeFileAtomic } from '@biaflow/fs';
import { assertNoLinkInRunFolder } from '@biaflow/fs';

type Row = Record<string, number | string | null>;

/**
 * A CSV with rows grouped by image (`objects.csv`: one row per object; `predictions.csv`: one row
 * per image). Rewritten atomically after each image, before that image's result file, so a resumed
 * run finds the rows of every image whose result exists.
 */
export class RowTable {
  private readonly rows = new Map<string, Row[]>();

  /** `runDir`: the run folder holding the table; the table is never read or written through a link inside it. */
  constructor(
    private readonly file: string,
    keepEarlier: boolean,
    private readonly runDir?: string,
  ) {
    this.checkPath();
    if (keepEarlier && fs.existsSync(this.file)) this.load();
  }

  /** True when the table holds rows of `image` (written by this run or, resumed, an earlier one). */
  has(image: string): boolean {
    return this.rows.has(image);
  }

  async set(image: string, objects: Row[]): Promise<void> {
    this.rows.set(image, objects.map((o) => ({ image, ...o })));
    this.checkPath();
    await writeFileAtomic(this.file, toCsv([...this.rows.values()].flat()));
  }

  private checkPath(): void {
    if (this.runDir) assertNoLinkInRunFolder(this.runDir, this.file);
  }

  private load(): void {
    const lines = fs.readFileSync(this.file, 'utf8').split('\n').filter(Boolean);
    const header = splitCsvLine(lines[0] ?? '').map(csvCellText);
    for (const line of lines.slice(1)) {
      const cells = splitCsvLine(line);
      const row: Row = {};
      header.forEach((h, i) => {
        const v = csvCellText(cells[i] ?? '');
        row[h] = v === '' ? null : Number.isFinite(Number(v)) ? Number(v) : v;
      });
      const image = String(row.image);
      this.rows.set(image, [...(this.rows.get(image) ?? []), row]);
    }
  }
}
