/// <reference lib="dom" />
import type { PictureKernel } from '../picture/kernel';
import { pictureKernel } from '../picture/kernel';

/**
 * What `report.html` runs in the browser, embedded as text (`reportPage.toString()`), so like the
 * picture kernel it must not reference anything outside itself. It reads the embedded JSON, draws
 * every image canvas with the kernel, and makes the metrics tables sortable. When done it sets
 * `data-report-ready` on `<body>` ("ok", or "error" after a drawing failure, which is also shown
 * in the figure and logged to the console).
 */
export function reportPage(kernel: PictureKernel): void {
  const source = document.getElementById('biaflow-report');
  const data = JSON.parse((source && source.textContent) || 'null');
  let failed = false;

  function put(canvas: HTMLCanvasElement, rgb: Uint8Array, width: number, height: number): void {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas context');
    const img = ctx.createImageData(width, height);
    for (let i = 0, j = 0; i < width * height; i++, j += 3) {
      img.data[4 * i] = rgb[j];
      img.data[4 * i + 1] = rgb[j + 1];
      img.data[4 * i + 2] = rgb[j + 2];
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    canvas.setAttribute('data-drawn', 'true');
  }

  const figures = document.querySelectorAll<HTMLElement>('figure.report-image');
  figures.forEach((figure) => {
    const index = Number(figure.getAttribute('data-index'));
    const image = data.images[index];
    const canvas = (layer: string) => figure.querySelector<HTMLCanvasElement>(`canvas[data-layer="${layer}"]`);
    try {
      const size = { width: image.width, height: image.height };
      const input = kernel.decodePixels(image.input, size.width, size.height);
      const inputCanvas = canvas('input');
      if (inputCanvas) put(inputCanvas, kernel.toRgb(input, size), size.width, size.height);
      if (image.overlay.kind === 'image') {
        for (const layer of ['prediction', 'truth']) {
          const px = image.overlay[layer];
          const target = canvas(layer);
          if (!px || !target) continue;
          put(target, kernel.toRgb(kernel.decodePixels(px, px.width, px.height), px), px.width, px.height);
        }
      } else {
        const overlay = kernel.renderImageOverlay(image);
        const target = canvas('overlay');
        if (target) put(target, overlay.rgb, overlay.width, overlay.height);
      }
    } catch (e) {
      failed = true;
      const message = `image ${index} (${image && image.name}) could not be drawn: ${e instanceof Error ? e.message : String(e)}`;
      const p = figure.querySelector<HTMLElement>('.draw-error');
      if (p) {
        p.textContent = message;
        p.hidden = false;
      }
      console.error(message);
    }
  });

  // Sortable tables: numbers compare as numbers when every non-empty cell of the column is one;
  // empty cells (null) stay last in both directions.
  document.querySelectorAll<HTMLTableElement>('table.sortable').forEach((table) => {
    const headers = Array.from(table.querySelectorAll<HTMLTableCellElement>('thead th'));
    headers.forEach((th, col) => {
      th.addEventListener('click', () => {
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const keys = rows.map((r) => (r.cells[col] && r.cells[col].getAttribute('data-sort')) || '');
        const numeric = keys.every((k) => k === '' || Number.isFinite(Number(k)));
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        const order = rows.map((_, i) => i);
        order.sort((a, b) => {
          const ka = keys[a];
          const kb = keys[b];
          if (ka === '' || kb === '') return ka === kb ? a - b : ka === '' ? 1 : -1;
          const c = numeric ? Number(ka) - Number(kb) : ka.localeCompare(kb);
          return (ascending ? c : -c) || a - b;
        });
        headers.forEach((h) => h.removeAttribute('aria-sort'));
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        for (const i of order) body.appendChild(rows[i]);
      });
    });
  });

  document.body.setAttribute('data-report-ready', failed ? 'error' : 'ok');
}

/**
 * The page's whole script: the picture kernel and `reportPage`, as source text. Checked to hold
 * nothing that would end a `<script>` element early.
 */
export function pageScriptSource(): string {
  const text = `(${reportPage.toString()})((${pictureKernel.toString()})());`;
  if (/<\/script|<!--/i.test(text)) throw new Error('the page script holds "</script" or "<!--"; it cannot be inlined');
  return text;
}
