import fs from 'node:fs';
import path from 'node:path';
import {
  BiaflowError,
  interruptionOf,
  writeFileAtomic,
  type Kernel,
  type DataIO,
  type EvaluateEvent,
  type MetricsReport,
  type ReportPicture,
  type ReportPictureEvent,
  type RunContext,
  type RunFacts,
  type WorkflowDriver,
  type WrittenReport,
} from '@biaflow/core';
import { assertNoLinkInRunFolder, listResultFiles, pairResultsByStem as pairByStem, removeOutputSync, resultsDirOf, RunFiles, stemOf, Tokens, testImagesCarryLabels, writeRunImage } from '@biaflow/core/internals';
import { splitCsvLine, type NdArray } from '@biaflow/image';
import {
  encodeLabels,
  encodePixels,
  flattenMetrics,
  renderImageOverlay,
  renderReport,
  ReportDataError,
  type EpochRow,
  type JsonValue,
  type ReportData,
  type ReportImage,
  type ReportOverlay,
} from '../render';
import type { ReportLayers } from './layers';
import { intensityRange, labelsInWindow, pointsInWindow, reportWindow, toBytes, windowValues, type IntensityRange, type WindowValues } from './report-view';
import { reportSettings } from './report-section';

/** Where the report and its pictures go in the run folder (docs/outputs.md). */
export const ReportFiles = Object.freeze({
  html: RunFiles.report,
  pictures: RunFiles.reportPictures,
});

/** Suffix of the overlay pictures: only files named so are ever removed from `report/`. */
const OVERLAY_SUFFIX = '-overlay.png';

/** How many images of each end of the ranking the report shows (the worst and the best by the main figure). */
const IMAGES_PER_END = 2;

/**
 * The facts of the latest run recorded in a run folder's `log.jsonl` (its last `run-start` line of
 * another command than `skip`, and the `backend` line after it); undefined without one.
 */
export function factsFromLog(runDir: string, skip = 'report'): RunFacts | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(runDir, RunFiles.log), 'utf8');
  } catch {
    return undefined;
  }
  let facts: RunFacts | undefined;
  for (const line of text.split('\n')) {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // a line cut by a crash
    }
    if (entry.event === 'run-start' && entry.command !== skip) {
      const argv = Array.isArray(entry.argv) ? (entry.argv as unknown[]).map(String) : [String(entry.command), '--out', String(entry.runDir)];
      facts = {
        command: ['biaflow', ...argv].join(' '),
        versions: Object.fromEntries(Object.entries((entry.versions as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)])),
        backend: { name: 'unknown', threads: null },
        started: typeof entry.time === 'number' ? new Date(entry.time).toISOString() : undefined,
      };
    } else if (entry.event === 'backend' && facts && facts.backend.name === 'unknown') {
      facts.backend = { name: String(entry.backend), threads: entry.backend === 'wasm' && typeof entry.threads === 'number' ? entry.threads : null };
    }
  }
  return facts;
}

/** `train_metrics.csv` as report rows (numbers; empty cells null); [] when the run did not train. */
export function readTrainingLog(runDir: string): EpochRow[] {
  let text: string;
  try {
    text = fs.readFileSync(path.join(runDir, RunFiles.trainMetrics), 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n').filter(Boolean);
  const header = splitCsvLine(lines[0] ?? '');
  const rows: EpochRow[] = [];
  for (const line of lines.slice(1)) {
    const cells = splitCsvLine(line);
    const row: Record<string, number | null> = {};
    header.forEach((h, i) => {
      const v = cells[i] ?? '';
      const n = Number(v);
      row[h] = v === '' || !Number.isFinite(n) ? null : n;
    });
    if (typeof row.epoch === 'number') rows.push(row as EpochRow);
  }
  return rows;
}

/** A test image chosen for the report, with why. */
export interface ChosenImage {
  name: string;
  role: string;
  value: number | null;
}

/**
 * The images the report shows: the `IMAGES_PER_END` worst and best by the workflow's image figure
 * (`imageFigure`, default its main figure; images without a value for it are left out; ties keep
 * metrics order). Without any value (no
 * metrics), the first predictions by name.
 */
export function chooseImages(
  workflow: Pick<WorkflowDriver, 'imageFigure'>,
  metrics: MetricsReport | undefined,
  fallback: readonly string[],
): ChosenImage[] {
  const figure = workflow.imageFigure;
  const key = figure.key;
  const higher = figure.higherIsBetter !== false;
  const valueOf = (v: unknown) => (typeof v === 'boolean' ? Number(v) : v);
  const scored = (metrics?.per_image ?? [])
    .map((row, i) => ({ name: row.image, value: valueOf(flattenMetrics(row)[key]), i }))
    .filter((r): r is { name: string; value: number; i: number } => typeof r.value === 'number' && Number.isFinite(r.value));
  if (scored.length === 0) return fallback.slice(0, IMAGES_PER_END * 2).map((name) => ({ name, role: 'example', value: null }));
  // Worst first.
  scored.sort((a, b) => (higher ? a.value - b.value : b.value - a.value) || a.i - b.i);
  if (scored.length === 1) return [{ name: scored[0].name, role: 'only image', value: scored[0].value }];
  const ends = Math.min(IMAGES_PER_END, Math.floor(scored.length / 2));
  const worst = scored.slice(0, ends).map((r) => ({ name: r.name, role: 'worst', value: r.value }));
  const best = scored.slice(-ends).reverse().map((r) => ({ name: r.name, role: 'best', value: r.value }));
  return [...worst, ...best];
}

/** The input file of a test image named `name` (a path under the test folder, or a file of the same stem in it). */
function findTestImage(testImages: string | undefined, name: string, io: DataIO): string | undefined {
  if (!testImages) return undefined;
  const stat = fs.statSync(testImages, { throwIfNoEntry: false });
  if (stat?.isFile()) return stemOf(testImages) === stemOf(name) ? testImages : undefined;
  const direct = path.join(testImages, name);
  if (fs.statSync(direct, { throwIfNoEntry: false })?.isFile()) return direct;
  const dir = path.join(testImages, path.dirname(name));
  if (!fs.existsSync(dir)) return undefined;
  return io.listImageFiles(dir).find((f) => stemOf(f) === stemOf(name));
}

/**
 * A chosen image read and windowed, its pixels not yet scaled to 8 bits: how they are scaled may
 * depend on every image the report shows (`report.intensity: shared`).
 */
interface DraftImage {
  image: Omit<ReportImage, 'input' | 'overlay'>;
  input: WindowValues;
  /** The overlay of every kind but image results, whose pixels are scaled too (`results`). */
  overlay?: ReportOverlay;
  results?: { prediction: WindowValues; truth: WindowValues | null };
}

/** A label layer as `[y, x]` / `[z, y, x]`: a channel axis of length 1 is dropped. */
function withoutChannelAxis(layer: NdArray, ndim: number): NdArray {
  return layer.shape.length === ndim + 1 && layer.shape[ndim] === 1 ? { data: layer.data, shape: layer.shape.slice(0, ndim) } : layer;
}

/** A report image from the workflow's layers over the input, in the window the layers focus on. */
async function draftImage(run: RunContext, chosen: ChosenImage, inputFile: string, picture: ReportLayers, io: DataIO): Promise<DraftImage> {
  const ndim = run.config.problem.ndim;
  const input = io.toModelLayout(await io.readImage(inputFile), ndim, inputFile);
  const spatial = input.shape.slice(0, ndim);
  // Label layers are `[y, x]`; image layers channels last, or `[y, x]` for one channel: both as the input.
  const layers: ReportLayers =
    picture.kind === 'instances' || picture.kind === 'semantic'
      ? { ...picture, prediction: withoutChannelAxis(picture.prediction, ndim), truth: picture.truth ? withoutChannelAxis(picture.truth, ndim) : picture.truth }
      : picture;
  const window =
    layers.kind === 'points'
      ? reportWindow(spatial, null, layers.truth ?? layers.predicted)
      : layers.kind === 'classes' || layers.kind === 'image'
        ? reportWindow(spatial)
        : reportWindow(spatial, layers.truth ?? layers.prediction);
  const name = window.plane !== undefined ? `${chosen.name} (plane ${window.plane})` : chosen.name;
  const draft: DraftImage = { image: { name, role: chosen.role, value: chosen.value, width: window.width, height: window.height }, input: windowValues(input, window) };
  const fits = (a: NdArray, what: string, channelAxis: boolean) => {
    const ok = a.shape.slice(0, ndim).join() === spatial.join() && (a.shape.length === ndim || (channelAxis && a.shape.length === ndim + 1));
    if (!ok) {
      const expected = channelAxis ? `${spatial.join('×')} or ${spatial.join('×')}×channels` : spatial.join('×');
      throw new Error(`its ${what} is ${a.shape.join('×')} but the input is ${spatial.join('×')} (expected ${expected})`);
    }
  };
  if (layers.kind === 'points') {
    const predicted = pointsInWindow(layers.predicted, window);
    const truth = layers.truth ? pointsInWindow(layers.truth, window) : undefined;
    const matches: [number, number][] = [];
    if (truth) {
      const t = new Map(truth.index.map((v, i) => [v, i]));
      const p = new Map(predicted.index.map((v, i) => [v, i]));
      for (const [ti, pi] of layers.matches ?? []) if (t.has(ti) && p.has(pi)) matches.push([t.get(ti) as number, p.get(pi) as number]);
    }
    draft.overlay = { kind: 'points', predicted: predicted.points, truth: truth?.points ?? null, matches };
  } else if (layers.kind === 'image') {
    const shown = (a: NdArray, what: string) => {
      fits(a, what, true);
      return windowValues(a, window, ndim);
    };
    draft.results = { prediction: shown(layers.prediction, 'prediction'), truth: layers.truth ? shown(layers.truth, 'ground truth') : null };
  } else if (layers.kind === 'classes') {
    draft.overlay = { kind: 'classes', predicted: layers.predicted, truth: layers.truth ?? null, ...(layers.scores ? { scores: layers.scores } : {}) };
  } else {
    fits(layers.prediction, 'prediction', false);
    if (layers.truth) fits(layers.truth, 'ground truth', false);
    draft.overlay = {
      kind: layers.kind,
      prediction: encodeLabels(labelsInWindow(layers.prediction, window)),
      truth: layers.truth ? encodeLabels(labelsInWindow(layers.truth, window)) : null,
      ...(layers.classNames ? { classNames: layers.classNames } : {}),
    } as ReportOverlay;
  }
  return draft;
}

/**
 * The report's images, their pixels scaled to 8 bits: each picture between its own 0.5th and 99.5th
 * percentile, or with `shared`, every input between the percentiles of all inputs shown and every
 * image result (prediction and ground truth) between those of all results shown — the same intensity
 * is then the same grey in every picture of the run.
 */
function scaledImages(drafts: readonly DraftImage[], shared: boolean): ReportImage[] {
  const inputs = shared ? intensityRange(drafts.map((d) => d.input.values)) : undefined;
  const resultValues = drafts.flatMap((d) => (d.results ? [d.results.prediction.values, ...(d.results.truth ? [d.results.truth.values] : [])] : []));
  const results = shared && resultValues.length ? intensityRange(resultValues) : undefined;
  const encoded = (v: WindowValues, range: IntensityRange | undefined) => {
    const { pixels, channels } = toBytes(v, range ?? intensityRange([v.values]));
    return encodePixels(pixels, channels);
  };
  return drafts.map((d) => {
    const { width, height } = d.image;
    const overlay: ReportOverlay = d.results
      ? {
          kind: 'image',
          prediction: { ...encoded(d.results.prediction, results), width, height },
          truth: d.results.truth ? { ...encoded(d.results.truth, results), width, height } : null,
        }
      : (d.overlay as ReportOverlay);
    return { ...d.image, input: encoded(d.input, inputs), overlay };
  });
}

/**
 * What the report draws over a workflow's test images: its `reportPicture`, else its output kind's
 * picture when it has one (`from` names it in warnings); undefined when neither draws.
 */
function pictureOf(kernel: Kernel, workflow: WorkflowDriver): { from: string; draw: (event: ReportPictureEvent) => Promise<ReportPicture | undefined> } | undefined {
  if (workflow.drawsPictures) return { from: `the ${workflow.name} workflow's reportPicture (plugin "${workflow.plugin}")`, draw: workflow.reportPicture };
  const kind = kernel.outputKinds.get(workflow.output);
  if (!kind?.reportPicture) return undefined;
  return { from: `the report picture of output kind "${kind.name}"`, draw: (event) => kind.reportPicture!(event) };
}

/** The kinds of layers the report draws. */
const LAYER_KINDS: ReadonlySet<string> = new Set<ReportLayers['kind']>(['instances', 'semantic', 'points', 'classes', 'image']);

/** A picture as layers the report draws; a kind it does not draw is an error naming where the picture came from (that image is then left out). */
function layersOf(from: string, picture: ReportPicture | undefined): ReportLayers | undefined {
  if (picture === undefined) return undefined;
  if (!LAYER_KINDS.has(picture.kind)) {
    throw new BiaflowError(`${from} gave layers of kind "${picture.kind}", which the report does not draw (${[...LAYER_KINDS].join(', ')})`);
  }
  return picture as ReportLayers;
}

/** The message of an error, for a warning. */
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * `renderReport(data)`, leaving out what the page cannot show rather than the whole report: a curve,
 * an image or metrics whose data the renderer refuses (`ReportDataError`, naming the key) is dropped
 * with a warning and the page rendered again; `onDrop(index)` is told of each image dropped.
 */
function renderWhatCanBeShown(data: ReportData, logger: RunContext['logger'], onDrop: (image: number) => void): string {
  for (;;) {
    try {
      return renderReport(data);
    } catch (e) {
      if (!(e instanceof ReportDataError)) throw e;
      const image = /^images\[(\d+)\]/.exec(e.path);
      if (image) {
        const i = Number(image[1]);
        data.images.splice(i, 1);
        onDrop(i);
      } else if (e.path.startsWith('curves')) data.curves = [];
      else if (e.path.startsWith('metrics') && data.metrics) data.metrics = null;
      else throw e;
      logger.warn({ event: 'report-part-left-out', key: e.path, error: e.message }, `report: left out ${e.path.replace(/\..*$/, '')}: ${e.message}`);
    }
  }
}

/** File name of an image's overlay picture: `report/<image stem>-overlay.png` (`class/a.png` → `class_a-overlay.png`). */
export function overlayPictureName(image: string): string {
  const stem = path.join(path.dirname(image), stemOf(image)).split(path.sep).filter((p) => p && p !== '.').join('_');
  return `${stem}${OVERLAY_SUFFIX}`;
}

/** What `writeRunReport` wrote: `report.html`, the overlay PNGs, and the data the page shows. */
export interface BuiltReport extends WrittenReport {
  data: ReportData;
}

/**
 * Build and write the run's report from its folder: `report.html` (the resolved config, the
 * training log, the metrics, the workflow's curves and the worst and best test images with their
 * overlays) and one `report/<stem>-overlay.png` per image shown. `metrics`: the run's (null when it
 * did not evaluate). What is drawn over each image comes from the workflow's `reportPicture`.
 */
export async function writeRunReport(run: RunContext, metrics: MetricsReport | undefined, facts: RunFacts): Promise<BuiltReport> {
  const { config, kernel, runDir, logger } = run;
  // A post-processing variant's report is its own, beside its predictions (postprocess/<n>/).
  const outDir = resultsDirOf(run);
  const workflow = run.workflow;
  const io = run.container.resolve<DataIO>(Tokens.DataIO);
  const predictionsDir = path.join(outDir, RunFiles.predictions);
  const groundTruthDir = config.data.test.labels ?? (testImagesCarryLabels(run) ? (config.data.test.images as string) : undefined);
  const tables = workflow.tables.map((t) => path.basename(t.file));
  const predictionFiles = fs.existsSync(predictionsDir) ? listResultFiles(predictionsDir, io.extensions, tables) : [];
  const byStem = (files: string[]) => new Map(files.map((f) => [stemOf(f), f]));
  const predictionsByStem = byStem(predictionFiles);
  let truthByStem = new Map<string, string>();
  let pairs: EvaluateEvent['pairs'] = [];
  if (groundTruthDir && fs.existsSync(groundTruthDir) && predictionFiles.length) {
    truthByStem = byStem(listResultFiles(groundTruthDir, io.extensions, tables));
    pairs = pairByStem(predictionsDir, groundTruthDir, io.extensions, tables).pairs;
  }

  // What cannot be drawn or plotted (a picture of a kind the report does not draw, a ground truth
  // it cannot read) is left out with a warning: the report is written with everything else.
  let curves: ReportData['curves'] = [];
  if (metrics && workflow.drawsCurves && pairs.length) {
    try {
      curves = await workflow.reportCurves({ run, metrics, pairs, io });
    } catch (e) {
      if (interruptionOf(e)) throw e;
      logger.warn({ event: 'report-curves-skipped', error: messageOf(e) }, `report: no curves: ${messageOf(e)}`);
    }
  }
  const drafts: DraftImage[] = [];
  const sources: string[] = [];
  const chosen = chooseImages(workflow, metrics, predictionFiles.map((f) => path.basename(f)));
  const picture = pictureOf(run.kernel, workflow);
  for (const c of chosen) {
    if (!picture) break;
    const stem = stemOf(c.name);
    const inputFile = findTestImage(config.data.test.images, c.name, io);
    if (!inputFile) {
      logger.debug({ event: 'report-image-skipped', image: c.name }, `report: no picture of ${c.name} (its input image was not found)`);
      continue;
    }
    try {
      const layers = layersOf(
        picture.from,
        await picture.draw({
          run,
          image: c.name,
          predictionPath: predictionsByStem.get(stem),
          groundTruthPath: truthByStem.get(stem),
          predictionsDir,
          groundTruthDir,
          io,
        }),
      );
      if (!layers) {
        logger.debug({ event: 'report-image-skipped', image: c.name }, `report: no picture of ${c.name}`);
        continue;
      }
      drafts.push(await draftImage(run, c, inputFile, layers, io));
      sources.push(c.name);
    } catch (e) {
      if (interruptionOf(e)) throw e;
      logger.warn({ event: 'report-image-skipped', image: c.name, error: messageOf(e) }, `report: no picture of ${c.name}: ${messageOf(e)}`);
    }
  }
  const images = scaledImages(drafts, reportSettings(config).intensity === 'shared');

  const data: ReportData = {
    title: `biaflow ${workflow.name} run — ${path.basename(runDir)}${outDir === runDir ? '' : ` (post-processing variant ${path.basename(outDir)})`}`,
    created: new Date().toISOString(),
    command: facts.command,
    runDir,
    config: JSON.parse(JSON.stringify(config)) as JsonValue,
    versions: facts.versions,
    backend: facts.backend,
    workflow: {
      name: workflow.name,
      output: workflow.output,
      mainFigure: { key: workflow.mainFigure.key, label: workflow.mainFigure.label, higherIsBetter: workflow.mainFigure.higherIsBetter !== false },
      imageFigure: { key: workflow.imageFigure.key, label: workflow.imageFigure.label, higherIsBetter: workflow.imageFigure.higherIsBetter !== false },
    },
    epochs: readTrainingLog(runDir),
    metrics: metrics ? { overall: metrics.overall, per_image: metrics.per_image } as ReportData['metrics'] : null,
    curves,
    images,
  };
  const html = renderWhatCanBeShown(data, logger, (i) => sources.splice(i, 1));
  const htmlFile = path.join(outDir, ReportFiles.html);
  const pictures: string[] = [];
  for (const [i, image] of images.entries()) {
    const file = path.join(outDir, ReportFiles.pictures, overlayPictureName(sources[i]));
    // An image result has nothing drawn over the input: its picture is the result itself.
    const shown = image.overlay.kind === 'image' ? { width: image.overlay.prediction.width, height: image.overlay.prediction.height, input: image.overlay.prediction, overlay: { kind: 'image' } } : image;
    const { width, height, rgb } = renderImageOverlay(shown as unknown as Parameters<typeof renderImageOverlay>[0]);
    assertNoLinkInRunFolder(runDir, file);
    await writeRunImage(run, file, { data: rgb, shape: [height, width, 3], axes: 'YXS' });
    pictures.push(file);
  }
  // Pictures of images an earlier report showed and this one does not would mislead: removed.
  const picturesDir = path.join(outDir, ReportFiles.pictures);
  if (fs.existsSync(picturesDir)) {
    for (const f of fs.readdirSync(picturesDir)) {
      const file = path.join(picturesDir, f);
      if (f.endsWith(OVERLAY_SUFFIX) && !pictures.includes(file)) removeOutputSync(file);
    }
  }
  assertNoLinkInRunFolder(runDir, htmlFile);
  await writeFileAtomic(htmlFile, html);
  logger.info({ event: 'report', file: htmlFile, pictures, images: images.length }, `report: ${htmlFile}`);
  return { html: htmlFile, pictures, data };
}
