import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { readImage, readPoints } from 'biaflow';
import { readReportData, type ReportData } from '@biaflow/report';
import { launchOfflineChromium, openOffline, type OfflineBrowser, type OpenedPage } from '../../packages/report/test/browser';
import { biaflow, fixtures, readCsv, repo, tmpdir } from './e2e-helpers';

/**
 * report.html of real short runs, one per workflow, opened in Debian's headless Chromium with every
 * request but the file aborted. What the page shows is checked against the run's own files, read
 * here independently of the report code: training-curve markers against train_metrics.csv, the
 * instance curve against metrics.json, overlay pixels against the predicted and true label images
 * and point lists, the embedded JSON against metrics.json; the PNGs in report/ equal the canvases.
 * Screenshots go to packages/report/test-output/run-<workflow>.png.
 */

const SHOTS = path.join(repo, 'packages/report/test-output');
let browser: OfflineBrowser;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await launchOfflineChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** A test folder holding the fixture's train and test images together (3 images: a worst and a best one). */
function allImages(fixture: string, sub: [string, string]): { images: string; labels: string } {
  const dir = tmpdir();
  for (const kind of sub) {
    fs.mkdirSync(path.join(dir, kind));
    for (const set of ['train', 'test']) {
      for (const f of fs.readdirSync(path.join(fixture, set, kind))) fs.copyFileSync(path.join(fixture, set, kind, f), path.join(dir, kind, f));
    }
  }
  return { images: path.join(dir, sub[0]), labels: path.join(dir, sub[1]) };
}

/** Run `config` in a new folder; returns the run folder. */
function runWith(config: string): string {
  const dir = tmpdir();
  fs.writeFileSync(path.join(dir, 'config.yaml'), config);
  biaflow(['run', '--config', 'config.yaml', '--out', 'run', '--log-level', 'warn'], dir);
  return path.join(dir, 'run');
}

interface Opened extends OpenedPage {
  data: ReportData;
  metrics: { overall: Record<string, unknown>; per_image: Record<string, unknown>[] };
}

/** Open the run's report and make the checks every report passes. */
async function openRunReport(runDir: string, name: string): Promise<Opened> {
  const file = path.join(runDir, 'report.html');
  expect(fs.existsSync(file)).toBe(true);
  const opened = await openOffline(browser, file, { readySelector: 'body[data-report-ready]' });
  const { page } = opened;
  expect(opened.blockedRequests).toEqual([]);
  expect(opened.consoleErrors).toEqual([]);
  expect(opened.pageErrors).toEqual([]);
  expect(await page.getAttribute('body', 'data-report-ready')).toBe('ok');

  const data = readReportData(fs.readFileSync(file, 'utf8'));
  const metrics = JSON.parse(fs.readFileSync(path.join(runDir, 'metrics.json'), 'utf8'));
  expect(data.metrics).toEqual(metrics);
  expect(data.runDir).toBe(runDir);
  expect(data.command).toContain('biaflow run --config config.yaml --out run');
  expect(data.backend.name).toBe('wasm');
  expect(Object.keys(data.versions)).toEqual(expect.arrayContaining(['@biaflow/core', '@tensorflow/tfjs', 'node']));
  expect((data.config as { problem: { type: string } }).problem.type).toBe(name);
  // Resolved config shown as YAML.
  expect(await page.locator('#config pre').textContent()).toContain(`type: ${name}`);

  // One marker per epoch and plotted column of train_metrics.csv (every finite value but epoch and time_s).
  const rows = readCsv(path.join(runDir, 'train_metrics.csv'));
  let finite = 0;
  for (const r of rows) for (const [k, v] of Object.entries(r)) if (k !== 'epoch' && k !== 'time_s' && v !== '' && Number.isFinite(Number(v))) finite++;
  expect(rows.length).toBe(2);
  expect(await page.locator('#training circle.marker').count()).toBe(finite);
  expect(await page.locator('#chart-loss circle.marker').count()).toBeGreaterThanOrEqual(2);

  // The per-image table holds every image of metrics.json.
  expect(await page.locator('#per-image tbody tr').count()).toBe(metrics.per_image.length);

  // One overlay PNG per image shown.
  expect(data.images.length).toBeGreaterThanOrEqual(2);
  const pngs = fs.readdirSync(path.join(runDir, 'report')).sort();
  expect(pngs).toHaveLength(data.images.length);
  for (const p of pngs) expect(p).toMatch(/-overlay\.png$/);

  await opened.screenshot(path.join(SHOTS, `run-${name}.png`));
  expect(fs.statSync(path.join(SHOTS, `run-${name}.png`)).size).toBeGreaterThan(20_000);
  return { ...opened, data, metrics };
}

/** RGB of a canvas of the page. */
async function canvasRgb(page: Page, image: number, layer: string): Promise<Buffer> {
  const rgba = Buffer.from(
    await page.evaluate(([i, l]) => {
      const c = document.querySelector<HTMLCanvasElement>(`canvas[data-image="${i}"][data-layer="${l}"]`);
      if (!c) throw new Error(`no canvas ${i}/${l}`);
      const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
      let s = '';
      for (let k = 0; k < d.length; k += 0x8000) s += String.fromCharCode(...d.subarray(k, k + 0x8000));
      return btoa(s);
    }, [image, layer] as const),
    'base64',
  );
  const rgb = Buffer.alloc((rgba.length / 4) * 3);
  for (let i = 0; i < rgba.length / 4; i++) rgba.copy(rgb, 3 * i, 4 * i, 4 * i + 3);
  return rgb;
}

/** The overlay canvas equals the PNG core wrote for that image. */
async function expectCanvasEqualsPng(page: Page, index: number, png: string): Promise<Buffer> {
  const shown = await canvasRgb(page, index, 'overlay');
  const file = await readImage(png);
  expect(file.dtype).toBe('uint8');
  expect(Buffer.from(file.data as Uint8Array).equals(shown)).toBe(true);
  return shown;
}

const isGrey = (rgb: Uint8Array, i: number) => rgb[3 * i] === rgb[3 * i + 1] && rgb[3 * i + 1] === rgb[3 * i + 2];
const isColour = (rgb: Uint8Array, i: number, c: readonly number[]) => rgb[3 * i] === c[0] && rgb[3 * i + 1] === c[1] && rgb[3 * i + 2] === c[2];

/** Inner 4-neighbour boundary of every non-zero region (the image edge closes regions), computed here from the label file. */
function boundary(labels: ArrayLike<number>, h: number, w: number): Uint8Array {
  const out = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = labels[y * w + x];
      if (v === 0) continue;
      const same = (yy: number, xx: number) => yy >= 0 && yy < h && xx >= 0 && xx < w && labels[yy * w + xx] === v;
      if (!same(y - 1, x) || !same(y + 1, x) || !same(y, x - 1) || !same(y, x + 1)) out[y * w + x] = 1;
    }
  }
  return out;
}

const stem = (name: string) => path.basename(name).replace(/\.[^.]+$/, '');
const pngOf = (runDir: string, name: string) => path.join(runDir, 'report', `${name.replace(/\.[^.]+$/, '').split('/').join('_')}-overlay.png`);
const rowOf = (m: Opened['metrics'], image: string) => m.per_image.find((r) => r.image === image) as Record<string, any>;

/** The worst images come first, then the best, by the per-image figure. */
function expectWorstThenBest(data: ReportData): void {
  const worst = data.images.filter((i) => i.role === 'worst').map((i) => i.value as number);
  const best = data.images.filter((i) => i.role === 'best').map((i) => i.value as number);
  expect(worst.length).toBeGreaterThanOrEqual(1);
  expect(best.length).toBe(worst.length);
  expect(Math.max(...worst)).toBeLessThanOrEqual(Math.min(...best));
}

describe('report.html of real runs, in headless Chromium, offline', () => {
  test('instance: F1 / precision / recall over IoU through metrics.json, contours of every object, worst and best image', async () => {
    const data = path.join(fixtures, 'nuclei2d');
    const test = allImages(data, ['images', 'labels']);
    const runDir = runWith(`
problem: { type: instance, ndim: 2 }
system: { backend: wasm, seed: 3 }
data:
  train: { images: ${data}/train/images, labels: ${data}/train/labels }
  val: { split: 0.5 }
  test: { images: ${test.images}, labels: ${test.labels} }
  patch_size: [32, 32]
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 2, batch_size: 2, steps_per_epoch: 3 }
`);
    const opened = await openRunReport(runDir, 'instance');
    const { page, metrics } = opened;
    expectWorstThenBest(opened.data);

    // 3 series over the 18 thresholds 0.1…0.95 (0.3, 0.5 and 0.75 among them); at the thresholds of
    // metrics.json the curve holds its pooled figures.
    expect(await page.locator('#chart-curves-0 circle.marker').count()).toBe(3 * 18);
    const matching = metrics.overall.matching as Record<string, Record<string, number>>;
    for (const t of ['0.3', '0.5', '0.75']) {
      for (const field of ['f1', 'precision', 'recall']) {
        const y = await page.getAttribute(`#chart-curves-0 g[data-series="${field}"] circle.marker[data-x="${t}"]`, 'data-y');
        expect(Number(y)).toBeCloseTo(matching[t][field], 12);
      }
    }

    // Sorting the per-image table by F1 at 0.5 orders its rows.
    await page.locator('#per-image th[data-column="matching.0.5.f1"] button').click();
    const sorted = await page.$$eval('#per-image tbody tr', (trs) => trs.map((tr) => Number((tr.children[1] as HTMLElement).dataset.sort)));
    expect(sorted).toEqual(metrics.per_image.map((r) => (r.matching as any)['0.5'].f1).sort((a: number, b: number) => a - b));

    for (const [k, image] of opened.data.images.entries()) {
      expect(image.value).toBe(rowOf(metrics, image.name).matching['0.5'].f1);
      const pred = await readImage(path.join(runDir, 'predictions', `${stem(image.name)}.tif`));
      const truth = await readImage(path.join(test.labels, image.name));
      const [h, w] = pred.shape;
      expect([image.height, image.width]).toEqual([h, w]);
      const p = boundary(pred.data, h, w);
      const t = boundary(truth.data, h, w);
      const shown = await expectCanvasEqualsPng(page, k, pngOf(runDir, image.name));
      // Coloured pixels: the union of both contours; pure green: truth contour no predicted contour covers.
      let union = 0;
      let truthOnly = 0;
      let coloured = 0;
      let green = 0;
      for (let i = 0; i < h * w; i++) {
        union += p[i] | t[i];
        truthOnly += t[i] & (1 - p[i]);
        if (!isGrey(shown, i)) coloured++;
        if (isColour(shown, i, [0, 255, 0])) green++;
      }
      expect(truthOnly).toBeGreaterThan(0);
      expect(coloured).toBe(union);
      expect(green).toBe(truthOnly);
    }

    // `biaflow report` writes the same report again from the folder alone.
    const before = opened.data;
    fs.rmSync(path.join(runDir, 'report.html'));
    fs.rmSync(path.join(runDir, 'report'), { recursive: true });
    const out = biaflow(['report', '--out', runDir], path.dirname(runDir));
    expect(out.stdout).toContain(path.join(runDir, 'report.html'));
    const again = readReportData(fs.readFileSync(path.join(runDir, 'report.html'), 'utf8'));
    expect({ ...again, created: '' }).toEqual({ ...before, created: '' });
    expect(fs.readdirSync(path.join(runDir, 'report'))).toHaveLength(before.images.length);
    // Not a run folder: exit 2, with the reason.
    const bad = biaflow(['report', '--out', tmpdir()], repo, 2);
    expect(bad.stderr).toContain('holds no biaflow run');

    // Prediction without ground truth: no metrics, the predictions drawn alone (no green), offline too.
    const predicted = path.join(tmpdir(), 'predicted');
    biaflow(['predict', '--model', path.join(runDir, 'model'), '--input', test.images, '--out', predicted, '--log-level', 'warn'], repo);
    const file = path.join(predicted, 'report.html');
    const plain = readReportData(fs.readFileSync(file, 'utf8'));
    expect(plain.metrics).toBeNull();
    expect(plain.epochs).toEqual([]);
    expect(plain.images.map((i) => [i.role, i.value, (i.overlay as { truth?: unknown }).truth])).toEqual([
      ['example', null, null],
      ['example', null, null],
      ['example', null, null],
    ]);
    const view = await openOffline(browser, file, { readySelector: 'body[data-report-ready]' });
    expect([view.blockedRequests, view.consoleErrors, view.pageErrors]).toEqual([[], [], []]);
    expect(await view.page.locator('#training').textContent()).toContain('this run did not train');
    for (const [k, image] of plain.images.entries()) {
      const shown = await canvasRgb(view.page, k, 'overlay');
      const pred = await readImage(path.join(predicted, 'predictions', `${stem(image.name)}.tif`));
      const p = boundary(pred.data, image.height, image.width);
      let coloured = 0;
      let green = 0;
      for (let i = 0; i < image.width * image.height; i++) {
        if (!isGrey(shown, i)) coloured++;
        if (isColour(shown, i, [0, 255, 0])) green++;
      }
      expect(coloured).toBe(p.reduce((a, b) => a + b, 0));
      expect(green).toBe(0);
    }
    await view.screenshot(path.join(SHOTS, 'run-instance-predict-only.png'));
  });

  test('instance 3D: the plane holding the most ground truth, its contours', async () => {
    const data = path.join(fixtures, 'nuclei3d');
    const runDir = runWith(`
problem: { type: instance, ndim: 3 }
system: { backend: wasm, seed: 5 }
data:
  train: { images: ${data}/train/images, labels: ${data}/train/labels }
  test: { images: ${data}/test/images, labels: ${data}/test/labels }
  patch_size: [16, 32, 32]
instance: { channels: BCD, contour_mode: inner }
model: { feature_maps: [8, 16], normalization: none, z_down: [1] }
train: { epochs: 2, batch_size: 1, steps_per_epoch: 2 }
`);
    const html = readReportData(fs.readFileSync(path.join(runDir, 'report.html'), 'utf8'));
    const truth = await readImage(path.join(data, 'test/labels/1136.tif'));
    const pred = await readImage(path.join(runDir, 'predictions/1136.tif'));
    const [d, h, w] = truth.shape;
    const perPlane = Array.from({ length: d }, (_, z) => Array.from(truth.data.subarray(z * h * w, (z + 1) * h * w)).filter((v) => v !== 0).length);
    const plane = perPlane.indexOf(Math.max(...perPlane));
    expect(html.images).toHaveLength(1);
    expect(html.images[0].name).toBe(`1136.tif (plane ${plane})`);
    expect([html.images[0].height, html.images[0].width]).toEqual([h, w]);
    const png = await readImage(path.join(runDir, 'report/1136-overlay.png'));
    const t = boundary(truth.data.subarray(plane * h * w, (plane + 1) * h * w), h, w);
    const p = boundary(pred.data.subarray(plane * h * w, (plane + 1) * h * w), h, w);
    let coloured = 0;
    let union = 0;
    for (let i = 0; i < h * w; i++) {
      union += t[i] | p[i];
      if (!isGrey(png.data as Uint8Array, i)) coloured++;
    }
    expect(union).toBeGreaterThan(0);
    expect(coloured).toBe(union);
  });

  test('detection: rings for true points, crosses for predicted ones, the pairs metrics.json counted as matched', async () => {
    const data = path.join(fixtures, 'spots2d');
    const test = allImages(data, ['images', 'points']);
    const runDir = runWith(`
problem: {type: detection, ndim: 2}
system: { backend: wasm, seed: 1 }
data:
  train: {images: ${data}/train/images, labels: ${data}/train/points}
  val: {split: 0.5}
  test: {images: ${test.images}, labels: ${test.labels}}
  patch_size: [32, 32]
  sampling: {foreground_probability: 0.5}
model: {feature_maps: [8, 16]}
train: {epochs: 2, batch_size: 2}
metrics: {detection_tolerance: 3}
`);
    const opened = await openRunReport(runDir, 'detection');
    const { page, metrics } = opened;
    expectWorstThenBest(opened.data);
    for (const [k, image] of opened.data.images.entries()) {
      const row = rowOf(metrics, image.name);
      expect(image.value).toBe(row.f1);
      const o = image.overlay as { kind: string; truth: [number, number][]; predicted: [number, number][]; matches: [number, number][] };
      expect(o.kind).toBe('points');
      const truth = await readPoints(path.join(test.labels, image.name));
      const predicted = await readPoints(path.join(runDir, 'predictions', `${stem(image.name)}.csv`));
      expect(o.truth).toEqual(Array.from({ length: truth.coordinates.length / 2 }, (_, i) => [truth.coordinates[2 * i], truth.coordinates[2 * i + 1]]));
      expect(o.predicted).toEqual(Array.from({ length: predicted.coordinates.length / 2 }, (_, i) => [predicted.coordinates[2 * i], predicted.coordinates[2 * i + 1]]));
      // As many pairs as true positives, one-to-one, each within the tolerance.
      expect(o.matches).toHaveLength(row.tp);
      expect(new Set(o.matches.map((m) => m[0])).size).toBe(row.tp);
      expect(new Set(o.matches.map((m) => m[1])).size).toBe(row.tp);
      for (const [ti, pi] of o.matches) expect(Math.hypot(o.truth[ti][0] - o.predicted[pi][0], o.truth[ti][1] - o.predicted[pi][1])).toBeLessThanOrEqual(3);
      const shown = await expectCanvasEqualsPng(page, k, pngOf(runDir, image.name));
      let red = 0;
      let yellow = 0;
      let green = 0;
      for (let i = 0; i < image.width * image.height; i++) {
        if (isColour(shown, i, [230, 25, 75])) red++;
        if (isColour(shown, i, [255, 225, 25])) yellow++;
        if (isColour(shown, i, [0, 255, 0])) green++;
      }
      // A false prediction is a red cross of at most 13 pixels, a missed point a yellow ring of at most 32.
      expect(red > 0).toBe(row.fp > 0);
      expect(red).toBeLessThanOrEqual(13 * row.fp);
      expect(yellow > 0).toBe(row.fn > 0);
      expect(yellow).toBeLessThanOrEqual(32 * row.fn);
      expect(green > 0).toBe(row.tp > 0);
    }
  });

  test('semantic: the predicted class map tinted, the ground-truth boundary drawn', async () => {
    const data = path.join(fixtures, 'em2d');
    const test = allImages(data, ['images', 'labels']);
    const runDir = runWith(`
problem: { type: semantic, ndim: 2 }
system: { backend: wasm, seed: 1 }
data:
  train: { images: ${data}/train/images, labels: ${data}/train/labels }
  val: { split: 0.5 }
  test: { images: ${test.images}, labels: ${test.labels} }
  patch_size: [32, 32]
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 2, batch_size: 2, steps_per_epoch: 3 }
`);
    const opened = await openRunReport(runDir, 'semantic');
    const { page, metrics } = opened;
    expectWorstThenBest(opened.data);
    for (const [k, image] of opened.data.images.entries()) {
      expect(image.value).toBe(rowOf(metrics, image.name).foreground_iou);
      const pred = await readImage(path.join(runDir, 'predictions', `${stem(image.name)}.tif`));
      const truth = await readImage(path.join(test.labels, image.name));
      const [h, w] = pred.shape;
      // The ground truth is a 0/255 mask: class 1 where it is not 0.
      const t = boundary(Array.from(truth.data, (v) => (v ? 1 : 0)), h, w);
      const shown = await expectCanvasEqualsPng(page, k, pngOf(runDir, image.name));
      let expected = 0;
      let coloured = 0;
      for (let i = 0; i < h * w; i++) {
        if (pred.data[i] !== 0 || t[i]) expected++;
        if (!isGrey(shown, i)) coloured++;
      }
      expect(expected).toBeGreaterThan(0);
      expect(coloured).toBe(expected);
    }
  });

  test('an image output (the example denoising plugin, no reportPicture): the result beside the input and the clean image', async () => {
    const data = path.join(fixtures, 'em2d');
    const runDir = runWith(`
problem: { type: denoise, ndim: 2 }
plugins: [${path.join(repo, 'examples/plugin-denoise')}]
system: { backend: wasm, seed: 1 }
data:
  train: { images: ${data}/train/images }
  val: { split: 0.5 }
  test: { images: ${data}/test/images, labels: ${data}/test/images }
  patch_size: [32, 32]
model: { feature_maps: [8, 16], normalization: none }
train: { epochs: 2, batch_size: 2, steps_per_epoch: 2 }
`);
    const file = path.join(runDir, 'report.html');
    const report = readReportData(fs.readFileSync(file, 'utf8'));
    expect(report.images.map((i) => [i.name, i.overlay.kind])).toEqual([['12.png', 'image']]);
    const view = await openOffline(browser, file, { readySelector: 'body[data-report-ready]' });
    expect([view.blockedRequests, view.consoleErrors, view.pageErrors]).toEqual([[], [], []]);
    // The canvas and report/12-overlay.png show the result: grey, ordered as the result's values.
    const shown = await canvasRgb(view.page, 0, 'prediction');
    const png = await readImage(path.join(runDir, 'report/12-overlay.png'));
    expect(Buffer.from(png.data as Uint8Array).equals(shown)).toBe(true);
    const result = await readImage(path.join(runDir, 'predictions/12.tif'));
    const order = Array.from(result.data, (_, i) => i).sort((a, b) => result.data[a] - result.data[b]);
    for (let k = 1; k < order.length; k++) {
      expect(isGrey(shown, order[k])).toBe(true);
      expect(shown[3 * order[k]]).toBeGreaterThanOrEqual(shown[3 * order[k - 1]]);
    }
    expect(shown[3 * order[0]]).toBe(0);
    expect(shown[3 * order[order.length - 1]]).toBe(255);
    expect(await view.page.locator('canvas[data-layer="truth"]').count()).toBe(1);
  });

  test('classification: a green frame around right predictions, red around wrong ones, with the predicted and true class', async () => {
    const data = path.join(fixtures, 'cells-classes');
    const runDir = runWith(`
problem: {type: classification, ndim: 2}
system: { backend: wasm, seed: 1 }
data:
  train: {images: ${data}/train}
  val: {split: 0.25}
  test: {images: ${data}/test}
  patch_size: [48, 48]
model: {architecture: simple_cnn, feature_maps: [8, 16]}
train: {epochs: 2, batch_size: 4}
`);
    const opened = await openRunReport(runDir, 'classification');
    const { page, metrics } = opened;
    const predictions = readCsv(path.join(runDir, 'predictions/predictions.csv'));
    expect(opened.data.images).toHaveLength(4);
    for (const [k, image] of opened.data.images.entries()) {
      const row = rowOf(metrics, image.name);
      const o = image.overlay as { kind: string; truth: string; predicted: string };
      expect(o).toMatchObject({ kind: 'classes', truth: image.name.split('/')[0], predicted: predictions.find((p) => p.image === image.name)?.class });
      expect(image.value).toBe(row.correct ? 1 : 0);
      const shown = await expectCanvasEqualsPng(page, k, pngOf(runDir, image.name));
      const colour = row.correct ? [0, 200, 83] : [230, 25, 75];
      // A frame 2 pixels wide (1/32 of 64, at least 2) in that colour, the inside untouched by it.
      const { width: w, height: h } = image;
      let frame = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const inFrame = x < 2 || y < 2 || x >= w - 2 || y >= h - 2;
          if (inFrame) {
            expect(isColour(shown, y * w + x, colour)).toBe(true);
            frame++;
          }
        }
      }
      expect(frame).toBe(64 * 64 - 60 * 60);
      const badge = await page.locator('figure.report-image').nth(k).locator('.class-badge').textContent();
      expect(badge).toContain(`predicted ${o.predicted}, true ${o.truth}`);
    }
    // Wrong ones are the worst, right ones the best (when the run has both).
    const values = opened.data.images.map((i) => i.value as number);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });
});
