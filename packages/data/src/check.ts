import { DataError, groupByFile } from '@biaflow/core/internals';
import { printable } from '@biaflow/image';
import type { Image, NdArray, PointList } from '@biaflow/image';
import type { DataLayout } from '@biaflow/core/internals';
import type { DataIO } from '@biaflow/core/internals';
import { messageOf } from './dataset';
import { type DataItem, type DataProblem } from '@biaflow/core/internals';
import { LabelValues } from '@biaflow/image';
import { isIntegerArray, pointInside, pointMask, pointsFromMask } from '@biaflow/image';
import { screenNonFinite, type NonFinitePolicy } from '@biaflow/core/internals';
import { countNonFinite, describeNonFinite, type NonFiniteReplacement } from '@biaflow/image';
import type { DataSplit } from './split';

/**
 * The check before training: every training, validation and test pair is read once and must be
 * readable, of the problem's dimensionality, with the expected channel count, and — when it has a
 * label — a label of integer type with the image's spatial shape. Every problem found is reported
 * together, one line per file, before the first training step.
 */
export interface CheckOptions {
  /** What a training image's label is (the workflow's data layout says). */
  labels: DataLayout['labels'];
  ndim: 2 | 3;
  /** Channels every image must have; default: those of the first training image. */
  channels?: number;
  /** Validation and test labels must be there too (training labels always are, when the layout has labels). */
  requireLabels?: { val?: boolean; test?: boolean };
  /**
   * Receives every example that passed (model layout; a label image as `[...spatial]`, or the
   * points of a point layout), so an in-memory dataset keeps what the check read instead of reading
   * it twice.
   */
  onLoaded?: (set: SetName, item: DataItem, image: NdArray, label: NdArray | undefined, points?: PointList) => void;
  /** Told after each example is read and checked, with how many of all there are (progress; a place to stop). */
  onChecked?: (done: number, total: number) => void;
  /** NaN or infinite pixels in an image: a problem of its file (`refuse`, the default), or replaced (`data.nan`). */
  nan?: NonFinitePolicy;
  /** Told of each image whose NaN or infinite pixels were replaced (`nan: 'replace'`). */
  onReplaced?: (set: SetName, item: DataItem, replaced: NonFiniteReplacement) => void;
}

export type SetName = 'train' | 'val' | 'test';

export interface CheckReport {
  problems: DataProblem[];
  /** Channel count of the images (when any was readable). */
  channels?: number;
  /** Distinct values of the training and validation labels (to decide the label mapping). */
  labelValues: LabelValues;
  /** Spatial shape of each example that passed, by image path. */
  shapes: Map<string, number[]>;
  /** Voxel size along the spatial axes of each example that passed (1 where the file does not say), by image path. */
  spacings: Map<string, number[]>;
}

/**
 * The run stops here, before training, listing every problem (exit code 2). A `DataError`: biaflow's
 * own check, reported as such even though it runs inside the workflow's `train` stage.
 */
export class DataCheckError extends DataError {
  readonly problems: DataProblem[];

  constructor(problems: DataProblem[]) {
    const lines = groupByFile(problems).map(({ file, messages }) => `  ${printable(file)}: ${messages.join('; ')}`);
    const files = lines.length;
    super(`the data has ${files} file${files === 1 ? '' : 's'} with problems (checked before training):\n${lines.join('\n')}`, {
      hint: 'fix or remove these files, then run again; nothing was trained',
    });
    this.problems = problems;
  }
}

export async function checkData(split: DataSplit, options: CheckOptions, io: DataIO): Promise<CheckReport> {
  const report: CheckReport = { problems: [], channels: options.channels, labelValues: new LabelValues(), shapes: new Map(), spacings: new Map() };
  const sets: [SetName, DataItem[]][] = [
    ['train', split.train],
    ['val', split.val],
    ['test', split.test],
  ];
  const total = sets.reduce((n, [, items]) => n + items.length, 0);
  let done = 0;
  for (const [set, items] of sets) {
    for (const item of items) {
      await checkItem(set, item, options, io, report);
      options.onChecked?.(++done, total);
    }
  }
  return report;
}

async function checkItem(set: SetName, item: DataItem, options: CheckOptions, io: DataIO, report: CheckReport): Promise<void> {
  const { problems } = report;
  const problem = (file: string, message: string) => problems.push({ file, message });
  let image: NdArray;
  let spacing: number[];
  try {
    const read = await readExampleImage(item.image, options.ndim, io, options.nan);
    image = read.image;
    spacing = read.spacing;
    if (read.replaced) options.onReplaced?.(set, item, read.replaced);
  } catch (e) {
    problem(item.image, messageOf(e, item.image));
    return;
  }
  const spatial = image.shape.slice(0, options.ndim);
  const channels = image.shape[options.ndim];
  let ok = true;
  if (report.channels === undefined) report.channels = channels;
  else if (channels !== report.channels) {
    ok = false;
    const why = options.channels !== undefined ? 'data.channels' : 'the first image checked';
    problem(item.image, `has ${channels} channel${channels === 1 ? '' : 's'}, expected ${report.channels} (from ${why})`);
  }
  if (spatial.some((n) => n < 1)) {
    ok = false;
    problem(item.image, `is empty (shape [${image.shape.join(', ')}])`);
  }

  let label: NdArray | undefined;
  let points: PointList | undefined;
  if (options.labels !== 'none') {
    const needed = set === 'train' || (set === 'val' ? options.requireLabels?.val !== false : options.requireLabels?.test === true);
    if (!item.label) {
      // A missing label was already reported by the pairing, which knows the folder searched.
      if (needed) ok = false;
    } else if (options.labels === 'points') {
      points = await checkPoints(item, spatial, options, io, problem);
      if (!points) ok = false;
    } else {
      label = await checkLabel(item, spatial, options, io, problem);
      if (!label) ok = false;
    }
  }
  if (!ok) return;
  report.shapes.set(item.image, spatial);
  report.spacings.set(item.image, spacing);
  if (label && set !== 'test' && options.labels === 'images') report.labelValues.add(label.data);
  options.onLoaded?.(set, item, image, label, points);
}

/**
 * An example's image as training uses it: read, in model layout (`[...spatial, c]`), its NaN and
 * infinite pixels refused (an InputError naming the file) or replaced as `nan` says. The one place
 * training reads an image's pixels: the check before training, and an example read again from
 * disk (`data.in_memory: false`) — the replacement is a function of the image, so both get the same.
 */
export async function readExampleImage(
  file: string,
  ndim: 2 | 3,
  io: DataIO,
  nan: NonFinitePolicy | undefined,
): Promise<{ image: NdArray; spacing: number[]; replaced?: NonFiniteReplacement }> {
  const raw = await io.readImage(file);
  const { image, replaced } = screenNonFinite(io.toModelLayout(raw, ndim, file), file, nan ?? 'refuse', [ndim]);
  return { image, spacing: spatialSpacing(raw, ndim), replaced };
}

/** Voxel size along the spatial axes (`YX` / `ZYX`) of an image as read; 1 where unknown. */
export function spatialSpacing(image: Pick<Image, 'axes' | 'spacing'>, ndim: 2 | 3): number[] {
  return [...(ndim === 3 ? 'ZYX' : 'YX')].map((a) => {
    const s = image.spacing[image.axes.indexOf(a)];
    return typeof s === 'number' && s > 0 ? s : 1;
  });
}

type LabelOptions = Pick<CheckOptions, 'labels' | 'ndim'>;

/** Read an example's label as `[...spatial]` (a point mask for point files: `pointMask`), with the checks of `checkData`. */
export async function loadLabel(item: DataItem, spatial: number[], options: LabelOptions, io: DataIO): Promise<NdArray> {
  const read = await loadAnnotation(item, spatial, options, io);
  return read.label ?? pointMask(read.points as PointList, spatial);
}

/** Read an example's annotation as training uses it: a label image as `[...spatial]`, or the points of a point layout; with the checks of `checkData`. */
export async function loadAnnotation(item: DataItem, spatial: number[], options: LabelOptions, io: DataIO): Promise<{ label?: NdArray; points?: PointList }> {
  const problems: DataProblem[] = [];
  const problem = (file: string, message: string) => problems.push({ file, message });
  if (options.labels === 'points') {
    const points = await checkPoints(item, spatial, options, io, problem);
    if (!points) throw new DataCheckError(problems);
    return { points };
  }
  const label = await checkLabel(item, spatial, options, io, problem);
  if (!label) throw new DataCheckError(problems);
  return { label };
}

/** A label image: readable, integer, one channel, same spatial shape. Returns it as `[...spatial]`. */
async function checkLabel(
  item: DataItem,
  spatial: number[],
  options: LabelOptions,
  io: DataIO,
  problem: (file: string, message: string) => void,
): Promise<NdArray | undefined> {
  const file = item.label as string;
  let raw: Image;
  let label: NdArray;
  try {
    raw = await io.readImage(file);
    label = io.toModelLayout(raw, options.ndim, file);
  } catch (e) {
    problem(file, messageOf(e, file));
    return undefined;
  }
  let ok = true;
  if (!isIntegerArray(label.data)) {
    ok = false;
    // Never replaced, whatever data.nan says: a made-up class or object id would be trained on as truth.
    const nonFinite = countNonFinite(label.data);
    const holds = nonFinite.nan + nonFinite.infinite ? ` holding ${describeNonFinite(nonFinite)}` : '';
    problem(
      file,
      `label is ${raw.dtype}${holds}; labels must be integers (0/1 or 0/255 masks, class indices, object ids): save it as uint8, uint16 or uint32`,
    );
  }
  const lspatial = label.shape.slice(0, options.ndim);
  const lchannels = label.shape[options.ndim];
  if (lspatial.join('×') !== spatial.join('×')) {
    ok = false;
    problem(file, `label is ${lspatial.join('×')} but its image ${item.name} is ${spatial.join('×')}: they must have the same size`);
  }
  if (lchannels !== 1) {
    ok = false;
    problem(file, `label has ${lchannels} channels; a label must have one (an RGB mask? save it as a single-channel image)`);
  }
  return ok ? { data: label.data, shape: lspatial } : undefined;
}

/**
 * A point label (CSV): readable, right dimensionality, classes from 1, every point inside the image
 * (−0.5 ≤ c ≤ n − 0.5 along each axis: the rounding rule of `pointPixel`). Returned as read, the
 * coordinates unrounded. A label image in place of a CSV is a mask of points: one point per
 * non-zero pixel, its value the class.
 */
async function checkPoints(
  item: DataItem,
  spatial: number[],
  options: LabelOptions,
  io: DataIO,
  problem: (file: string, message: string) => void,
): Promise<PointList | undefined> {
  const file = item.label as string;
  if (!file.toLowerCase().endsWith('.csv')) {
    const mask = await checkLabel(item, spatial, options, io, problem);
    return mask && pointsFromMask(mask, options.ndim);
  }
  if (!io.readPoints) {
    problem(file, 'point files cannot be read by this build (no readPoints in the I/O layer)');
    return undefined;
  }
  let points: PointList;
  try {
    points = await io.readPoints(file);
  } catch (e) {
    problem(file, messageOf(e, file));
    return undefined;
  }
  if (points.ndim !== options.ndim) {
    problem(file, `has ${points.ndim}D points but the problem is ${options.ndim}D`);
    return undefined;
  }
  const n = points.coordinates.length / points.ndim;
  const outside: number[] = [];
  const badClass: number[] = [];
  for (let p = 0; p < n; p++) {
    let inside = true;
    for (let d = 0; d < points.ndim; d++) if (!pointInside(points.coordinates[p * points.ndim + d], spatial[d])) inside = false;
    if (!inside) {
      outside.push(p + 1);
      continue;
    }
    const cls = points.classes ? points.classes[p] : 1;
    if (cls < 1) badClass.push(p + 1);
  }
  if (badClass.length) {
    problem(file, `point${badClass.length === 1 ? '' : 's'} ${badClass.slice(0, 5).join(', ')}${badClass.length > 5 ? ', …' : ''} (row numbers) have class < 1; classes start at 1 (0 is background)`);
    return undefined;
  }
  if (outside.length) {
    problem(file, `point${outside.length === 1 ? '' : 's'} ${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ', …' : ''} (row numbers) lie outside the ${spatial.join('×')} image`);
    return undefined;
  }
  return { ndim: points.ndim, coordinates: points.coordinates, ...(points.classes ? { classes: points.classes } : {}) };
}
