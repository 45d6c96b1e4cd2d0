import fs from 'node:fs';
import path from 'node:path';
import type { Image, NdArray, PointList } from '@biaflow/image';
import { pointsFormatFor, writerFor } from '../data/image-readers';
import { toModelLayout } from '@biaflow/image';
import { transpose } from '@biaflow/image';
import type { ImageWriter, PointsFormat, WriteImageInput, WriteImageOptions } from '../kernel/contributions/image-io';
import type { OutputKind } from '../kernel/contributions/workflow';
import type { RunContext } from '../kernel/run-context';
import type { Prediction } from '../kernel/stages';
import { Tokens } from '../kernel/tokens';
import { resultsDirOf, RunFiles } from './run-folder';
import { assertNoLinkInRunFolder } from '../fs/run-folder-links';

/** File name without its extension (`.ome.tif` counts as one). */
export function stemOf(file: string): string {
  const base = path.basename(file);
  const m = /^(.*?)(\.ome\.tiff?|\.[^.]*)?$/i.exec(base);
  return m?.[1] || base;
}

/** Where a run keeps one image's outputs. */
export function outputPaths(runDir: string, name: string) {
  const stem = stemOf(name);
  return {
    labels: path.join(runDir, RunFiles.predictions, `${stem}.tif`),
    points: path.join(runDir, RunFiles.predictions, `${stem}.csv`),
    probabilities: path.join(runDir, RunFiles.probabilities, `${stem}.tif`),
  };
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

/** Write an image with the run's writer for the file's extension (`@biaflow/io`'s TIFF writer unless a plugin replaced it). */
export function writeRunImage(run: Pick<RunContext, 'kernel'>, file: string, image: WriteImageInput, options?: WriteImageOptions): Promise<void> {
  return writerFor(run.kernel.resolveAll<ImageWriter>(Tokens.ImageWriter), file).write(file, image, options);
}

/** Write a point list with the run's points format for the file's extension (`@biaflow/io`'s CSV unless a plugin replaced it). */
export function writeRunPoints(run: Pick<RunContext, 'kernel'>, file: string, points: PointList): Promise<void> {
  return pointsFormatFor(run.kernel.resolveAll<PointsFormat>(Tokens.PointsFormat), file).write(file, points);
}

/**
 * Save a channels-last float array (a network output, an image result): channels go to ImageJ's C
 * axis (`CYX` / `ZCYX`) so Fiji shows them as channels; a single channel is saved without one.
 */
export async function writeProbabilities(file: string, probabilities: NdArray, source: Prediction['source'], run: Pick<RunContext, 'kernel'>): Promise<void> {
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

/** The smallest unsigned type that holds every label. */
export function labelArray(labels: NdArray): NdArray<Uint16Array | Uint32Array> {
  let max = 0;
  const d = labels.data;
  for (let i = 0; i < d.length; i++) if (d[i] > max) max = d[i];
  if (d instanceof Uint16Array) return { data: d, shape: labels.shape };
  if (d instanceof Uint32Array && max > 65535) return { data: d, shape: labels.shape };
  const out = max > 65535 ? new Uint32Array(d.length) : new Uint16Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = d[i];
  return { data: out, shape: labels.shape };
}

/**
 * Write a prediction's result file, in the input's spatial axes and spacing: a label image
 * (`predictions/<stem>.tif`, deflate), a point list (`predictions/<stem>.csv`) or an image result
 * (`predictions/<stem>.tif`, float32). A class has no file of its own (its row is in the table).
 * Whatever the workflow's kind, labels and points present are written, as they always were.
 * Nothing is written through a symbolic link inside the run folder (`assertNoLinkInRunFolder`).
 */
export async function writeResult(
  run: Pick<RunContext, 'runDir' | 'resultsDir' | 'config' | 'kernel'>,
  prediction: Prediction,
  output: OutputKind,
): Promise<string[]> {
  const paths = outputPaths(resultsDirOf(run), prediction.name);
  const ndim = run.config.problem.ndim;
  const written: string[] = [];
  if (prediction.points) {
    assertNoLinkInRunFolder(run.runDir, paths.points);
    await writeRunPoints(run, paths.points, prediction.points);
    written.push(paths.points);
  }
  if (prediction.labels || (output === 'image' && prediction.image)) assertNoLinkInRunFolder(run.runDir, paths.labels);
  if (prediction.labels) {
    const { axes, spacing } = spatialMeta(prediction.source, ndim);
    await writeRunImage(run, paths.labels, { ...labelArray(prediction.labels), axes, spacing }, { compression: 'deflate' });
    written.push(paths.labels);
  } else if (output === 'image' && prediction.image) {
    const image = prediction.image.shape.length === ndim ? { data: prediction.image.data, shape: [...prediction.image.shape, 1] } : prediction.image;
    await writeProbabilities(paths.labels, image, prediction.source, run);
    written.push(paths.labels);
  }
  return written;
}

/** True when the result of an earlier, interrupted run is complete (outputs are written atomically). */
export function resultExists(runDir: string, name: string): boolean {
  const p = outputPaths(runDir, name);
  return fs.existsSync(p.labels) || fs.existsSync(p.points);
}
