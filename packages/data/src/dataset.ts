import fs from 'node:fs';
import path from 'node:path';
import { isHiddenName, stemOf } from '@biaflow/core/internals';
import { printable } from '@biaflow/image';
import type { DataIO, DataItem, DataProblem, ListedData } from '@biaflow/core/internals';


/** One example: an image file, and its label file or class. */

/** Point files (CSV) of a folder, sorted by name, hidden ones skipped; a path to one file is that file. */
export function listPointFiles(dir: string, io: DataIO): string[] {
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) return io.listImageFiles(dir); // lets the I/O layer phrase the "does not exist" error
  if (stat.isFile()) return [path.resolve(dir)];
  return fs
    .readdirSync(dir)
    .filter((n) => !isHiddenName(n) && n.toLowerCase().endsWith('.csv'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((n) => path.resolve(dir, n));
}

/**
 * Pair images with labels by stem (`cell01.tif` ↔ `cell01.png`). Images without a label, and two
 * files of one folder with the same stem, are problems; labels without an image are only noted.
 */
export function pairByStem(images: readonly string[], labels: readonly string[] | undefined, labelsDir?: string): ListedData {
  const problems: DataProblem[] = [];
  const byStem = new Map<string, string>();
  for (const l of labels ?? []) {
    const s = stemOf(l);
    const twin = byStem.get(s);
    if (twin) problems.push({ file: l, message: `has the same name as ${path.basename(twin)}: which label is meant is ambiguous` });
    else byStem.set(s, l);
  }
  const seen = new Map<string, string>();
  const items: DataItem[] = [];
  for (const image of images) {
    const s = stemOf(image);
    const twin = seen.get(s);
    if (twin) {
      problems.push({ file: image, message: `has the same name as ${path.basename(twin)}: rename one, labels are matched by name` });
      continue;
    }
    seen.set(s, image);
    const item: DataItem = { name: path.basename(image), image };
    if (labels) {
      const label = byStem.get(s);
      if (label) item.label = label;
      else problems.push({ file: image, message: `has no label: no file named ${s}.* in ${labelsDir ?? 'the label folder'}` });
    }
    items.push(item);
  }
  const unmatchedLabels = [...byStem].filter(([s]) => !seen.has(s)).map(([, l]) => l);
  return { items, problems, unmatchedLabels };
}

/** Sub-folders of a folder (the classes of data in class folders), sorted, hidden ones skipped. */
export function classFolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Run `f`, turning what it throws into a problem of `file` (reported with the others before training). */
export function attempt<T>(file: string, f: () => T): T | DataProblem {
  try {
    return f();
  } catch (e) {
    return { file, message: messageOf(e, file) };
  }
}

/**
 * List one image folder and, when given, its label folder (`listLabels` lists the label files):
 * images paired with labels by stem. Every problem is collected, nothing thrown.
 */
export function listPairs(
  what: string,
  imagesDir: string | undefined,
  labelsDir: string | undefined,
  io: DataIO,
  listLabels: (dir: string) => string[],
): ListedData {
  if (!imagesDir) return { items: [], problems: [], unmatchedLabels: [] };
  const images = attempt(imagesDir, () => io.listImageFiles(imagesDir));
  if (isProblem(images)) return { items: [], problems: [images], unmatchedLabels: [] };
  const problems: DataProblem[] = [];
  if (images.length === 0) problems.push({ file: imagesDir, message: `holds no image files (${what} images: ${io.extensions.join(', ')})` });
  let labels: string[] | undefined;
  if (labelsDir) {
    const listed = attempt(labelsDir, () => listLabels(labelsDir));
    if (isProblem(listed)) return { items: images.map((i) => ({ name: path.basename(i), image: i })), problems: [listed], unmatchedLabels: [] };
    labels = listed;
  }
  const paired = pairByStem(images, labels, labelsDir);
  return { ...paired, problems: [...problems, ...paired.problems] };
}

/**
 * List a folder with one sub-folder per class. `fixed` is the training class list (validation and
 * test use it); a test folder without class folders is a flat folder of images to predict.
 */
export function listClassFolders(what: string, dir: string | undefined, io: DataIO, fixed?: readonly string[]): ListedData {
  if (!dir) return { items: [], problems: [], unmatchedLabels: [] };
  return listClasses(what, dir, io, fixed);
}

function listClasses(what: string, dir: string, io: DataIO, fixed: readonly string[] | undefined): ListedData {
  const found = attempt(dir, () => classFolders(dir));
  if (isProblem(found)) return { items: [], problems: [found], unmatchedLabels: [] };
  const problems: DataProblem[] = [];
  if (found.length === 0) {
    // Test images need no classes: a flat folder is predicted without ground truth.
    if (fixed) {
      const flat = attempt(dir, () => io.listImageFiles(dir));
      if (isProblem(flat)) return { items: [], problems: [flat], unmatchedLabels: [] };
      return { items: flat.map((f) => ({ name: path.basename(f), image: f })), classes: [...fixed], problems, unmatchedLabels: [] };
    }
    return { items: [], problems: [{ file: dir, message: `holds no class folders: ${what} images go in one sub-folder per class` }], unmatchedLabels: [] };
  }
  const classes = fixed ? [...fixed] : found;
  const items: DataItem[] = [];
  for (const name of found) {
    const index = classes.indexOf(name);
    if (index < 0) {
      problems.push({ file: path.join(dir, name), message: `class "${name}" is not among the training classes (${classes.join(', ')})` });
      continue;
    }
    const files = attempt(path.join(dir, name), () => io.listImageFiles(path.join(dir, name)));
    if (isProblem(files)) {
      problems.push(files);
      continue;
    }
    if (files.length === 0 && !fixed) problems.push({ file: path.join(dir, name), message: `class folder holds no image files` });
    for (const f of files) items.push({ name: `${name}/${path.basename(f)}`, image: f, classIndex: index, className: name });
  }
  return { items, classes, problems, unmatchedLabels: [] };
}

export function isProblem(v: unknown): v is DataProblem {
  return typeof v === 'object' && v !== null && 'message' in v && 'file' in v && !Array.isArray(v);
}

/** The message of an error, without the file name when the error already starts with it. */
export function messageOf(e: unknown, file: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  // Errors name their file escaped (InputError): either form is the file's own prefix.
  for (const name of [file, printable(file)]) if (msg.startsWith(`${name}: `)) return msg.slice(name.length + 2);
  return msg;
}
