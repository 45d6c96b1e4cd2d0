import fs from 'node:fs';
import path from 'node:path';
import type { ProblemType } from '../kernel/stages';
import type { DataIO } from './data-io';

/** One example: an image file, and its label file or class. */
export interface DataItem {
  /** File name of the image (relative to its folder, class folder included for classification). */
  name: string;
  /** Absolute path of the image file. */
  image: string;
  /** Absolute path of the label file (label image, or point CSV for detection). */
  label?: string;
  /** Classification: index into the class list, and the class folder name. */
  classIndex?: number;
  className?: string;
}

/** Something wrong with one file (or folder), reported together with all others before training. */
export interface DataProblem {
  file: string;
  message: string;
}

export interface ListedData {
  items: DataItem[];
  /** Class folder names (classification), sorted. */
  classes?: string[];
  problems: DataProblem[];
  /** Labels no image matched (not an error; logged). */
  unmatchedLabels: string[];
}

const MULTI_EXTENSIONS = ['.ome.tiff', '.ome.tif'];

/** The name a file is matched by: without its extension (`.ome.tif` counts as one extension). */
export function stemOf(file: string): string {
  const base = path.basename(file);
  const lower = base.toLowerCase();
  for (const ext of MULTI_EXTENSIONS) if (lower.endsWith(ext)) return base.slice(0, -ext.length);
  const ext = path.extname(base);
  return ext ? base.slice(0, -ext.length) : base;
}

/** Label files of a folder: images, or point CSVs for detection. */
export function listLabelFiles(dir: string, problem: ProblemType, io: DataIO): string[] {
  if (problem !== 'detection') return io.listImageFiles(dir);
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (!stat) return io.listImageFiles(dir); // lets the I/O layer phrase the "does not exist" error
  if (stat.isFile()) return [path.resolve(dir)];
  return fs
    .readdirSync(dir)
    .filter((n) => !n.startsWith('.') && n.toLowerCase().endsWith('.csv'))
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

/** Sub-folders of a folder (classification classes), sorted, hidden ones skipped. */
export function classFolders(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * List one image folder (and its label folder): images paired with labels, or for classification a
 * folder per class. `classes` fixes the class list (validation and test must use the training one).
 */
export function listData(
  what: string,
  imagesDir: string | undefined,
  labelsDir: string | undefined,
  problem: ProblemType,
  io: DataIO,
  classes?: readonly string[],
): ListedData {
  if (!imagesDir) return { items: [], problems: [], unmatchedLabels: [] };
  const attempt = <T>(file: string, f: () => T): T | DataProblem => {
    try {
      return f();
    } catch (e) {
      return { file, message: messageOf(e, file) };
    }
  };
  if (problem === 'classification') return listClasses(what, imagesDir, io, classes, attempt);
  const images = attempt(imagesDir, () => io.listImageFiles(imagesDir));
  if (isProblem(images)) return { items: [], problems: [images], unmatchedLabels: [] };
  const problems: DataProblem[] = [];
  if (images.length === 0) problems.push({ file: imagesDir, message: `holds no image files (${what} images: .tif, .tiff, .png, .jpg)` });
  let labels: string[] | undefined;
  if (labelsDir) {
    const listed = attempt(labelsDir, () => listLabelFiles(labelsDir, problem, io));
    if (isProblem(listed)) return { items: images.map((i) => ({ name: path.basename(i), image: i })), problems: [listed], unmatchedLabels: [] };
    labels = listed;
  }
  const paired = pairByStem(images, labels, labelsDir);
  return { ...paired, problems: [...problems, ...paired.problems] };
}

function listClasses(
  what: string,
  dir: string,
  io: DataIO,
  fixed: readonly string[] | undefined,
  attempt: <T>(file: string, f: () => T) => T | DataProblem,
): ListedData {
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
    return { items: [], problems: [{ file: dir, message: `holds no class folders: classification ${what} images go in one sub-folder per class` }], unmatchedLabels: [] };
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

function isProblem(v: unknown): v is DataProblem {
  return typeof v === 'object' && v !== null && 'message' in v && 'file' in v && !Array.isArray(v);
}

/** The message of an error, without the file name when the error already starts with it. */
export function messageOf(e: unknown, file: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.startsWith(`${file}: `) ? msg.slice(file.length + 2) : msg;
}
