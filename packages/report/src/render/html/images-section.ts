import { colours } from '../picture';
import type { ReportData, ReportImage } from '../report-data';
import { escapeHtml } from './escape';
import { formatNumber } from './flatten';

const rgb = (c: readonly number[]) => `rgb(${c[0]},${c[1]},${c[2]})`;
const swatch = (c: readonly number[], label: string, shape: 'line' | 'ring' | 'cross' | 'box' = 'box') =>
  `<span class="swatch"><span class="chip ${shape}" style="--c:${rgb(c)}"></span>${escapeHtml(label)}</span>`;

/** The colour key under an image, for its overlay kind (colours as in `picture/kernel.ts`). */
function legend(image: ReportImage): string {
  const o = image.overlay;
  switch (o.kind) {
    case 'instances':
      return [
        o.truth ? swatch(colours.truthContour, 'ground-truth contour', 'line') : '',
        `<span class="swatch">${colours.palette.slice(0, 6).map((c) => `<span class="chip line" style="--c:${rgb(c)}"></span>`).join('')}predicted objects (one colour per label)</span>`,
      ].join('');
    case 'points':
      return o.truth
        ? [
            swatch(colours.pointMatched, 'matched (true ring, predicted cross)', 'cross'),
            swatch(colours.pointMissed, 'missed true point', 'ring'),
            swatch(colours.pointFalse, 'false prediction', 'cross'),
          ].join('')
        : swatch(colours.pointUnscored, 'predicted point (no ground truth)', 'cross');
    case 'classes':
      return [swatch(colours.classRight, 'right'), swatch(colours.classWrong, 'wrong'), o.truth == null ? swatch(colours.classUnknown, 'no ground truth') : ''].join('');
    case 'semantic': {
      const names = o.classNames ?? [];
      const n = Math.max(names.length - 1, 1);
      const items: string[] = [];
      for (let c = 1; c <= Math.min(n, colours.palette.length); c++) items.push(swatch(colours.palette[(c - 1) % colours.palette.length], names[c] ?? `class ${c}`));
      return `${items.join('')}<span class="swatch">tint: prediction${o.truth ? '; solid line: ground-truth boundary' : ''}</span>`;
    }
    case 'image':
      return '';
  }
}

/** Caption text under a classification image: truth, prediction and the five highest scores. */
function classCaption(image: ReportImage): string {
  const o = image.overlay;
  if (o.kind !== 'classes') return '';
  const scores = Object.entries(o.scores ?? {})
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([k, v]) => `${escapeHtml(k)} ${escapeHtml(formatNumber(v))}`)
    .join(', ');
  const right = o.truth == null ? '' : o.truth === o.predicted ? ' right' : ' wrong';
  return `<p class="class-badge${right}">predicted <b>${escapeHtml(o.predicted)}</b>${o.truth == null ? '' : `, true <b>${escapeHtml(o.truth)}</b>`}${scores ? ` <span class="scores">(${scores})</span>` : ''}</p>`;
}

function canvas(index: number, layer: string, width: number, height: number, label: string): string {
  return `<div class="layer"><canvas data-image="${index}" data-layer="${layer}" width="${width}" height="${height}" style="--w:${width}px" aria-label="${escapeHtml(label)}"></canvas><span>${escapeHtml(label)}</span></div>`;
}

/**
 * One `<figure>` per chosen image with empty canvases the page's script fills from the embedded
 * JSON: the input alone, then the overlay (or, for image outputs, prediction and truth). The caption
 * names the image's own figure: the per-image figure images are ranked by (`imageFigure`, else the main one).
 */
export function imagesSection(data: ReportData): string {
  const figure = data.workflow.imageFigure ?? data.workflow.mainFigure;
  return data.images
    .map((image, i) => {
      const value = image.value === null ? 'not scored' : `${figure.label} ${formatNumber(image.value)}`;
      const o = image.overlay;
      const layers =
        o.kind === 'image'
          ? [
              canvas(i, 'input', image.width, image.height, 'input'),
              canvas(i, 'prediction', o.prediction.width, o.prediction.height, 'prediction'),
              o.truth ? canvas(i, 'truth', o.truth.width, o.truth.height, 'ground truth') : '',
            ]
          : [canvas(i, 'input', image.width, image.height, 'input'), canvas(i, 'overlay', image.width, image.height, o.truth == null ? 'prediction' : 'ground truth and prediction')];
      return `<figure class="report-image" data-index="${i}" data-role="${escapeHtml(image.role)}"><figcaption><span class="role">${escapeHtml(image.role)}</span> <span class="name">${escapeHtml(image.name)}</span> — ${escapeHtml(value)} <span class="size">(${image.width}×${image.height})</span></figcaption>${classCaption(image)}<div class="layers">${layers.join('')}</div><div class="legend">${legend(image)}</div><p class="draw-error" hidden></p></figure>`;
    })
    .join('');
}
