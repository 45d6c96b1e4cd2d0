import path from 'node:path';
import type { DataProblem } from '../kernel/contributions/data-layout';
import type { TestImage } from '../kernel/contributions/data-layout';
import type { OutputKind } from '../kernel/contributions/output-kind';
import { printable } from '@biaflow/image';
import { stemOf } from './prediction-files';

/**
 * Longest stem (UTF-8 bytes) a result is filed under: file systems hold 255-byte names, and the
 * temporary name an output is written to first adds a prefix and a suffix to `<stem>.tif`.
 */
const MAX_STEM_BYTES = 200;

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Why the results of a test image cannot be filed under its name (`predictions/<stem>.tif`,
 * `probabilities/<stem>.tif`, a row of a table), or undefined when they can. The result of a kind
 * without a file (a class) is a row of a table only, so only what a table cannot hold matters there.
 */
function outputNameProblem(name: string, kind: Pick<OutputKind, 'file'>): string | undefined {
  if (CONTROL.test(name)) {
    return 'its name holds control characters (a line break, an escape…), which the run\'s tables and log cannot hold as they are: rename it';
  }
  if (!kind.file) return undefined;
  const stem = stemOf(name);
  if (stem.startsWith('.')) {
    return `its results would be named "${stem}.tif", a hidden file (or no name at all) that listings skip: rename it`;
  }
  if (Buffer.byteLength(stem) > MAX_STEM_BYTES) {
    return `its name is ${Buffer.byteLength(stem)} bytes before the extension; results are filed under names of at most ${MAX_STEM_BYTES}: rename it`;
  }
  return undefined;
}

/**
 * Every test image whose results cannot be filed under its name: the problems of each name, and
 * images that share a stem (`x.png` and `x.tif`), whose results would overwrite each other.
 * Results of a kind without a file (a class) are rows keyed by the whole name, so only the names themselves count there.
 */
export function outputNameProblems(images: readonly TestImage[], kind: Pick<OutputKind, 'file'>): DataProblem[] {
  const problems: DataProblem[] = [];
  const byStem = new Map<string, TestImage[]>();
  for (const image of images) {
    const problem = outputNameProblem(image.name, kind);
    if (problem) problems.push({ file: image.file, message: problem });
    if (!kind.file) continue;
    const stem = stemOf(image.name);
    byStem.set(stem, [...(byStem.get(stem) ?? []), image]);
  }
  for (const [stem, twins] of byStem) {
    if (twins.length < 2) continue;
    for (const image of twins) {
      const others = twins.filter((t) => t !== image).map((t) => printable(path.basename(t.file)));
      problems.push({
        file: image.file,
        message: `has the same stem "${printable(stem)}" as ${others.join(', ')}: both would write predictions/${printable(stem)}.* and the later would replace the other; rename one (stems pair images with labels and name the outputs)`,
      });
    }
  }
  return problems;
}
