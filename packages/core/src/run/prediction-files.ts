import fs from 'node:fs';
import path from 'node:path';
import type { Image, NdArray, PointList } from '@biaflow/image';
import { toModelLayout } from '@biaflow/image';
import { transpose } from '@biaflow/image';
import type { WriteImageInput, WriteImageOptions } from '../kernel/contributions/image-io';
import type { Kernel } from '../kernel/kernel';
import type { RunContext } from '../kernel/run-context';
import type { Prediction } from '../kernel/stages';
import { Tokens } from '../kernel/tokens';
import type { FileWriters } from './file-writers';
import { resultsDirOf, RunFiles } from './run-folder';
import { assertNoLinkInRunFolder } from '@biaflow/fs';

/** File name without its extension (`.ome.tif` counts as one). */
export function stemOf(file: string): string {
  const base = path.basename(file);
  const m = /^(.*?)(\.ome\.tiff?|\.[^.]*)?$/i.exec(base);
  return m?.[1] || base;
}

/** Where a run keeps one image's network output (`probabilities/<stem>.tif`). */
export function probabilitiesPath(runDir: string, name: string): string {
  return path.join(runDir, RunFiles.probabilities, `${stemOf(name)}.tif`);
}

/** Spatial axes (`YX` / `ZYX`) of an input and the spacing along them. */
export function spatialMeta(source: Prediction['source'], ndim: 2 | 3): { axes: string; spacing: (number | null)[] } {
  const axes = ndim === 3 ? 'ZYX' : 'YX';
  const spacing = [...axes].map((a) => {
    const i = source.axes.indexOf(a);
    return i >= 0 ? source.spacing[i] ?? null : null;
  });
  return { axes, spacing };
}

/** Write an image with the run's writer for the file's extension (its `FileWriters`: `@biaflow/io`'s TIFF unless a plugin registered another). */
export function writeRunImage(run: Pick<RunContext, 'container'>, file: string, image: WriteImageInput, options?: WriteImageOptions): Promise<void> {
  return run.container.resolve<FileWriters>(Tokens.FileWriters).writeImage(file, image, options);
}

/** Write a point list with the run's points format for the file's extension (`@biaflow/io`'s CSV unless a plugin registered another). */
export function writeRunPoints(run: Pick<RunContext, 'container'>, file: string, points: PointList): Promise<void> {
  return run.container.resolve<FileWriters>(Tokens.FileWriters).writePoints(file, points);
}

/**
 * Save a channels-last float array (a network output, an image result): channels go to ImageJ's C
 * axis (`CYX` / `ZCYX`) so Fiji shows them as channels; a single channel is saved without one.
 */
export async function writeProbabilities(file: string, probabilities: NdArray, source: Prediction['source'], run: Pick<RunContext, 'container'>): Promise<void> {
  const ndim = (probabilities.shape.length - 1) as 2 | 3;
  const channels = probabilities.shape[ndim];
  const { axes, spacing } = spatialMeta(source, ndim);
  if (channels === 1) {
    await writeRunImage(run, file, { data: probabilities.data, shape: probabilities.shape.slice(0, ndim), axes, spacing });
    return;
  }
  // [.., y, x, c] → [.., c, y, x]
  const perm = ndim === 3 ? [0, 3, 1, 2] : [2, 0, 1];
  const moved = transpose(probabilities, perm);
  const withC = ndim === 3 ? 'ZCYX' : 'CYX';
  const spacingC = ndim === 3 ? [spacing[0], null, spacing[1], spacing[2]] : [null, ...spacing];
  await writeRunImage(run, file, { ...moved, axes: withC, spacing: spacingC });
}

/** Read a saved network output back in model layout, with the spatial metadata it was saved with. */
export async function readProbabilities(file: string, ndim: 2 | 3, read: (file: string) => Promise<Image>): Promise<{ probabilities: NdArray; image: Image }> {
  const image = await read(file);
  return { probabilities: toModelLayout(image, ndim, file), image };
}

/**
 * Write a prediction's result files with the registered output kinds, in the input's spatial axes
 * and spacing: each kind the prediction holds that is written whenever held (a label image, a point
 * list) or is the workflow's own kind (an image result), one file per name — a label image before
 * an image result under `<stem>.tif`. A kind without a file (a class) is the rows of the tables.
 * Nothing is written through a symbolic link inside the run folder (`assertNoLinkInRunFolder`).
 */
export async function writeResult(
  run: Pick<RunContext, 'runDir' | 'resultsDir' | 'config' | 'kernel' | 'container'>,
  prediction: Prediction,
  output: string,
): Promise<string[]> {
  const resultsDir = resultsDirOf(run);
  const stem = stemOf(prediction.name);
  const written: string[] = [];
  for (const kind of run.kernel.outputKinds.values()) {
    if (!kind.file || !kind.write || !kind.holds(prediction)) continue;
    if (!kind.writtenWhenHeld && kind.name !== output) continue;
    const file = path.join(resultsDir, kind.file(stem));
    if (written.includes(file)) continue;
    assertNoLinkInRunFolder(run.runDir, file);
    await kind.write(run, prediction, file);
    written.push(file);
  }
  return written;
}

/** True when the result of an earlier, interrupted run is complete (outputs are written atomically): a file of any output kind. */
export function resultExists(kernel: Pick<Kernel, 'outputKinds'>, runDir: string, name: string): boolean {
  const stem = stemOf(name);
  return [...kernel.outputKinds.values()].some((kind) => kind.file && fs.existsSync(path.join(runDir, kind.file(stem))));
}
