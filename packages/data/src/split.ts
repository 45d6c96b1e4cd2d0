import path from 'node:path';
import { writeFileAtomic } from '@biaflow/core/internals';
import type { DataItem } from '@biaflow/core/internals';
import type { RandomSource } from '@biaflow/image';
import { coreRandom } from '@biaflow/image';

/** Which files train, validate and test a run. Written to `split.json` in the run folder. */
export interface DataSplit {
  seed: number;
  /** `folder`: data.val.images; `split`: a seeded fraction of the training images; `none`: too few images to hold any out. */
  validation: { source: 'folder' | 'split' | 'none'; fraction?: number };
  classes?: string[];
  train: DataItem[];
  val: DataItem[];
  test: DataItem[];
}

/**
 * Hold out `fraction` of the items for validation, at random but reproducibly from `seed`. With
 * classes, each class is split on its own (stratified) so rare classes appear on both sides. At
 * least one item is held out when there are two or more; a single item is kept for training.
 */
export function splitItems(items: readonly DataItem[], fraction: number, seed: number, random: RandomSource = coreRandom): { train: DataItem[]; val: DataItem[] } {
  const groups = new Map<number, DataItem[]>();
  for (const item of items) {
    const key = item.classIndex ?? -1;
    const g = groups.get(key);
    if (g) g.push(item);
    else groups.set(key, [item]);
  }
  const train: DataItem[] = [];
  const val: DataItem[] = [];
  for (const [key, group] of [...groups].sort((a, b) => a[0] - b[0])) {
    const order = random.generator(seed, 'validation-split', key + 1).shuffle(group.map((_, i) => i));
    const n = group.length < 2 ? 0 : Math.min(group.length - 1, Math.max(1, Math.round(fraction * group.length)));
    const held = new Set(order.slice(0, n));
    group.forEach((item, i) => (held.has(i) ? val : train).push(item));
  }
  const byName = (a: DataItem, b: DataItem) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { train: train.sort(byName), val: val.sort(byName) };
}

/** The split as JSON: paths absolute, plus how labels were mapped. */
export function splitToJson(split: DataSplit, extra: Record<string, unknown> = {}): string {
  const item = (i: DataItem) => ({
    name: i.name,
    image: i.image,
    ...(i.label ? { label: i.label } : {}),
    ...(i.className !== undefined ? { class: i.className, class_index: i.classIndex } : {}),
  });
  const json = {
    seed: split.seed,
    validation: split.validation,
    ...(split.classes ? { classes: split.classes } : {}),
    ...extra,
    counts: { train: split.train.length, val: split.val.length, test: split.test.length },
    train: split.train.map(item),
    val: split.val.map(item),
    test: split.test.map(item),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** Write `split.json` into the run folder (atomically: complete or absent). */
export async function writeSplit(file: string, split: DataSplit, extra: Record<string, unknown> = {}): Promise<string> {
  await writeFileAtomic(file, splitToJson(split, extra));
  return file;
}
