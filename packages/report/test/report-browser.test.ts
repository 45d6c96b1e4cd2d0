import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  colours,
  contourMask,
  encodeLabels,
  encodePixels,
  overlayClasses,
  overlayInstances,
  overlayPoints,
  overlaySemantic,
  readReportData,
  renderReport,
  type ReportData,
} from '@biaflow/report';
import { launchOfflineChromium, openOffline, type OfflineBrowser, type OpenedPage } from './browser';
import { EPOCHS, TRAINING_SERIES, classReport, instanceReport, pointReport, semanticReport } from './report-fixtures';

// Each report is opened in Debian's headless Chromium with every request but the file aborted, and
// what the page shows is read back: request log, console, curve markers, table order after a click,
// canvas pixels, embedded JSON.

const OUT = path.join(__dirname, '..', 'test-output');
let browser: OfflineBrowser;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchOfflineChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function openReport(name: string, data: ReportData): Promise<OpenedPage & { html: string }> {
  const html = renderReport(data);
  const file = path.join(OUT, `${name}.html`);
  writeFileSync(file, html);
  const opened = await openOffline(browser, file, { readySelector: 'body[data-report-ready]' });
  return { ...opened, html };
}

/** RGB of a canvas, read back with getImageData (alpha checked to be opaque). */
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
  let translucent = 0;
  for (let i = 0; i < rgba.length / 4; i++) {
    if (rgba[4 * i + 3] !== 255) translucent++;
    rgba.copy(rgb, 3 * i, 4 * i, 4 * i + 3);
  }
  expect(translucent).toBe(0);
  return rgb;
}

const count = (rgb: Uint8Array, keep: (r: number, g: number, b: number) => boolean) => {
  let n = 0;
  for (let i = 0; i < rgb.length; i += 3) if (keep(rgb[i], rgb[i + 1], rgb[i + 2])) n++;
  return n;
};
const countColour = (rgb: Uint8Array, c: readonly number[]) => count(rgb, (r, g, b) => r === c[0] && g === c[1] && b === c[2]);
const notGrey = (rgb: Uint8Array) => count(rgb, (r, g, b) => !(r === g && g === b));
const ones = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);
const greyRgb = (grey: Uint8Array) => Buffer.from(Uint8Array.from({ length: grey.length * 3 }, (_, i) => grey[Math.floor(i / 3)]));

/** The checks every report must pass: offline, no errors, markers, JSON round trip, screenshot. */
async function checkCommon(name: string, opened: OpenedPage & { html: string }, data: ReportData, series = TRAINING_SERIES): Promise<void> {
  const { page } = opened;
  expect(opened.blockedRequests).toEqual([]);
  expect(opened.consoleErrors).toEqual([]);
  expect(opened.pageErrors).toEqual([]);
  expect(await page.getAttribute('body', 'data-report-ready')).toBe('ok');
  // One marker per epoch per plotted series (loss, val_loss, val_iou, lr; time_s is not plotted).
  expect(await page.locator('#training circle.marker').count()).toBe(data.epochs.length * series);
  const embedded = await page.evaluate(() => JSON.parse((document.getElementById('biaflow-report') as HTMLElement).textContent as string));
  expect(embedded).toEqual(data);
  expect(readReportData(opened.html)).toEqual(data);
  const shot = path.join(OUT, `${name}.png`);
  await opened.screenshot(shot);
  expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
  expect(statSync(shot).size).toBeGreaterThan(20_000);
}

/** Values of one column of a table in page order (their `data-sort`). */
async function column(page: Page, table: string, name: string): Promise<string[]> {
  return page.evaluate(
    ([t, n]) => {
      const tableEl = document.getElementById(t) as HTMLTableElement;
      const col = Array.from(tableEl.tHead!.rows[0].cells).findIndex((c) => c.dataset.column === n);
      return Array.from(tableEl.tBodies[0].rows).map((r) => r.cells[col].dataset.sort as string);
    },
    [table, name] as const,
  );
}

const headerButton = (page: Page, table: string, name: string) => page.locator(`#${table} th[data-column="${name}"] button`);

describe('report.html in headless Chromium, offline', () => {
  it('instance segmentation: curves, sortable per-image table, contour overlays equal to overlayInstances', async () => {
    const { data, cases } = instanceReport();
    const opened = await openReport('instance', data);
    const { page } = opened;
    await checkCommon('instance', opened, data);
    expect(await page.locator('#chart-loss circle.marker').count()).toBe(EPOCHS * 2);
    expect(await page.locator('#chart-lr circle.marker').count()).toBe(EPOCHS);
    // F1, precision and recall at 9 IoU thresholds.
    expect(await page.locator('#metrics circle.marker').count()).toBe(3 * 9);

    // Sort by the main figure: ascending, then descending; rows move whole (image names follow).
    const f1 = data.metrics!.per_image.map((r) => (r.matching as Record<string, Record<string, number>>)['0.5'].f1);
    const byValue = f1.map((_, i) => i).sort((a, b) => f1[a] - f1[b] || a - b);
    await headerButton(page, 'per-image', 'matching.0.5.f1').click();
    expect((await column(page, 'per-image', 'matching.0.5.f1')).map(Number)).toEqual(byValue.map((i) => f1[i]));
    expect(await column(page, 'per-image', 'image')).toEqual(byValue.map((i) => data.metrics!.per_image[i].image));
    expect(await page.getAttribute('#per-image th[data-column="matching.0.5.f1"]', 'aria-sort')).toBe('ascending');
    await headerButton(page, 'per-image', 'matching.0.5.f1').click();
    expect((await column(page, 'per-image', 'matching.0.5.f1')).map(Number)).toEqual([...f1].sort((a, b) => b - a));
    await headerButton(page, 'per-image', 'image').click();
    expect(await column(page, 'per-image', 'image')).toEqual(data.metrics!.per_image.map((r) => r.image).sort((a, b) => a.localeCompare(b)));

    for (const [k, c] of cases.entries()) {
      const size = { width: c.size, height: c.size };
      const shown = await canvasRgb(page, k, 'overlay');
      const expected = overlayInstances(c.input, c.truth, c.prediction, size);
      expect(shown.equals(Buffer.from(expected))).toBe(true);
      expect((await canvasRgb(page, k, 'input')).equals(greyRgb(c.input))).toBe(true);
      // Coloured pixels are the union of both contours; green is truth where no predicted contour lies.
      const t = contourMask(c.truth, c.size, c.size);
      const p = contourMask(c.prediction, c.size, c.size);
      const union = t.map((v, i) => v | p[i]);
      const truthOnly = t.map((v, i) => v & (1 - p[i]));
      expect(notGrey(shown)).toBe(ones(union));
      expect(notGrey(shown)).toBe(notGrey(expected));
      expect(countColour(shown, colours.truthContour)).toBe(ones(truthOnly));
      expect(notGrey(shown) - countColour(shown, colours.truthContour)).toBe(ones(p));
      expect(ones(t)).toBeGreaterThan(36 * 20);
    }
  });

  it('points: markers equal to overlayPoints, one 13-pixel red cross per false prediction, one 32-pixel yellow ring per missed point', async () => {
    const { data, cases } = pointReport();
    const opened = await openReport('points', data);
    const { page } = opened;
    await checkCommon('points', opened, data);
    for (const [k, c] of cases.entries()) {
      const shown = await canvasRgb(page, k, 'overlay');
      const expected = overlayPoints(c.input, c.truth, c.predicted, { width: c.size, height: c.size, matches: c.matches });
      expect(shown.equals(Buffer.from(expected))).toBe(true);
      expect(countColour(shown, colours.pointFalse)).toBe(13 * c.falsePositives);
      expect(countColour(shown, colours.pointMissed)).toBe(32 * c.missed);
      const matched = countColour(shown, colours.pointMatched);
      expect(matched).toBe(countColour(expected, colours.pointMatched));
      expect(matched).toBeGreaterThan(32 * c.matches.length);
      expect(matched).toBeLessThanOrEqual(45 * c.matches.length);
    }
    const f1 = data.metrics!.per_image.map((r) => r.f1 as number);
    await headerButton(page, 'per-image', 'f1').click();
    await headerButton(page, 'per-image', 'f1').click();
    expect((await column(page, 'per-image', 'f1')).map(Number)).toEqual([...f1].sort((a, b) => b - a));
  });

  it('classification: green border when right, red when wrong, blue without truth; confusion matrix shown', async () => {
    const { data, inputs } = classReport();
    const opened = await openReport('classes', data);
    const { page } = opened;
    await checkCommon('classes', opened, data);
    const border = 64 * 64 - 60 * 60; // 2-pixel frame of a 64×64 tile
    const expectColour = [colours.classRight, colours.classWrong, colours.classUnknown];
    for (const [k, input] of inputs.entries()) {
      const o = data.images[k].overlay as { truth: string | null; predicted: string };
      const shown = await canvasRgb(page, k, 'overlay');
      expect(shown.equals(Buffer.from(overlayClasses(input, o.truth, o.predicted, { width: 64, height: 64 })))).toBe(true);
      expect(countColour(shown, expectColour[k])).toBe(border);
      expect((await canvasRgb(page, k, 'input')).equals(Buffer.from(input))).toBe(true);
    }
    expect(await page.locator('figure.report-image').nth(1).locator('.class-badge').textContent()).toBe(
      'predicted apoptosis, true interphase (interphase 0.4, mitosis 0.4, apoptosis 0.2)',
    );
    expect(await page.locator('#confusion-matrix td.diagonal').allTextContents()).toEqual(['17', '16', '7']);
    // Booleans sort as 0/1: after one click the wrong ones (✗) come first.
    await headerButton(page, 'per-image', 'correct').click();
    const correct = data.metrics!.per_image.map((r) => (r.correct ? '1' : '0'));
    expect(await column(page, 'per-image', 'correct')).toEqual([...correct].sort());
  });

  it('semantic segmentation: tinted prediction and truth boundaries equal to overlaySemantic', async () => {
    const { data, cases } = semanticReport();
    const opened = await openReport('semantic', data);
    const { page } = opened;
    await checkCommon('semantic', opened, data);
    for (const [k, c] of cases.entries()) {
      const shown = await canvasRgb(page, k, 'overlay');
      const expected = overlaySemantic(c.input, c.truth, c.prediction, { width: c.size, height: c.size });
      expect(shown.equals(Buffer.from(expected))).toBe(true);
      const boundary = contourMask(c.truth, c.size, c.size);
      const coloured = boundary.map((v, i) => v | (c.prediction[i] ? 1 : 0));
      expect(notGrey(shown)).toBe(ones(coloured));
    }
    // Sort by a nested per-class column.
    const iou2 = data.metrics!.per_image.map((r) => (r.iou as Record<string, number>)['2']);
    await headerButton(page, 'per-image', 'iou.2').click();
    expect((await column(page, 'per-image', 'iou.2')).map(Number)).toEqual([...iou2].sort((a, b) => a - b));
  });

  it('a predict-only run (no log, no metrics, no truth) and an image-to-image output', async () => {
    const { data: base, cases } = instanceReport();
    const c = cases[0];
    const small = Uint8Array.from({ length: 16 * 12 }, (_, i) => (i * 37) & 255);
    const big = Uint8Array.from({ length: 32 * 24 * 3 }, (_, i) => (i * 11) & 255);
    const data: ReportData = {
      ...base,
      epochs: [],
      metrics: null,
      curves: [],
      images: [
        { name: 'x.tif', role: 'first', value: null, width: c.size, height: c.size, input: encodePixels(c.input, 1), overlay: { kind: 'instances', prediction: encodeLabels(c.prediction) } },
        {
          name: 'y.tif',
          role: 'second',
          value: null,
          width: 16,
          height: 12,
          input: encodePixels(small, 1),
          overlay: { kind: 'image', prediction: { ...encodePixels(big, 3), width: 32, height: 24 } },
        },
      ],
    };
    const opened = await openReport('predict-only', data);
    await checkCommon('predict-only', opened, data);
    expect(await opened.page.locator('#training').textContent()).toContain('this run did not train');
    const shown = await canvasRgb(opened.page, 0, 'overlay');
    expect(shown.equals(Buffer.from(overlayInstances(c.input, null, c.prediction, { width: 256, height: 256 })))).toBe(true);
    expect(countColour(shown, colours.truthContour)).toBe(0);
    expect((await canvasRgb(opened.page, 1, 'prediction')).equals(Buffer.from(big))).toBe(true);
  });

  it('shows hostile strings as text: no markup, no script, no request', async () => {
    const { data: base } = classReport();
    const evil = `</script><script>alert("x")</script><!-- & 'q' <img src="http://example.invalid/a.png">`;
    const data: ReportData = {
      ...base,
      title: `Run ${evil}`,
      command: `biaflow train --name "${evil}"`,
      config: { note: evil, [evil]: [evil, 1] },
      versions: { [evil]: evil },
      metrics: { overall: { accuracy: 1 }, per_image: [{ image: evil, [evil]: 0.5 }] },
      images: base.images.map((im) => ({ ...im, name: evil, role: evil, overlay: { kind: 'classes', truth: evil, predicted: evil } })),
    };
    const dialogs: string[] = [];
    const opened = await openReport('hostile', data);
    opened.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await checkCommon('hostile', opened, data);
    const page = opened.page;
    expect(dialogs).toEqual([]);
    expect(await page.title()).toBe(`Run ${evil}`);
    expect(await page.locator('script').count()).toBe(2);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('figure.report-image .name').first().textContent()).toBe(evil);
    expect(await page.locator('#per-image tbody td').first().textContent()).toBe(evil);
    expect(await page.locator('#config pre').textContent()).toContain(JSON.stringify(evil));
  });

  it('the harness itself sees blocked requests, console errors and page errors', async () => {
    const file = path.join(OUT, 'harness-check.html');
    writeFileSync(
      file,
      `<!DOCTYPE html><html><body><img src="http://example.invalid/a.png"><script>
        fetch('https://example.invalid/b.json').catch(() => {});
        console.error('boom');
        setTimeout(() => { document.body.dataset.done = '1'; throw new Error('bang'); }, 50);
      </script></body></html>`,
    );
    const opened = await openOffline(browser, file, { readySelector: 'body[data-done]' });
    await opened.page.waitForTimeout(100);
    expect(opened.blockedRequests).toEqual(expect.arrayContaining(['http://example.invalid/a.png', 'https://example.invalid/b.json']));
    expect(opened.consoleErrors).toContain('boom');
    expect(opened.pageErrors.join('\n')).toContain('bang');
    expect(existsSync(file)).toBe(true);
  });
});
