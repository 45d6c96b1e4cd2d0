import { escapeHtml } from './escape';
import { formatNumber } from './flatten';

export interface ChartSeries {
  name: string;
  points: { x: number; y: number | null }[];
  colour: string;
  /** Dashed line and hollow markers (validation series). */
  dashed?: boolean;
}

export interface ChartSpec {
  /** `id` of the `<figure>` (tests and links find the chart by it). */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Logarithmic y axis (ignored unless every y is > 0). */
  logY?: boolean;
}

const W = 520;
const H = 300;
const M = { left: 64, right: 16, top: 16, bottom: 52 };

/**
 * A line chart as inline SVG: axes with ticks and labels, one polyline per series (broken at null
 * values) and one `<circle class="marker">` per finite point — so the markers of a chart count its
 * points — each with a `<title>` tooltip, and a legend below the plot.
 */
export function lineChart(spec: ChartSpec): string {
  const pts = spec.series.flatMap((s) => s.points.filter((p) => isNum(p.y) && isNum(p.x)));
  const logY = !!spec.logY && pts.length > 0 && pts.every((p) => (p.y as number) > 0);
  const ty = (v: number) => (logY ? Math.log10(v) : v);
  const [x0, x1] = padRange(pts.map((p) => p.x));
  const [y0, y1] = padRange(pts.map((p) => ty(p.y as number)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => M.top + ph - ((ty(y) - y0) / (y1 - y0)) * ph;
  const r = (v: number) => v.toFixed(1);
  const out: string[] = [];
  out.push(`<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(spec.title)}">`);
  // Axes and ticks.
  out.push(`<g class="axes" stroke="#444" stroke-width="1" fill="none"><path d="M${M.left},${M.top}V${M.top + ph}H${M.left + pw}"/></g>`);
  const xt = niceTicks(x0, x1, 8);
  const yt = logY ? logTicks(y0, y1) : niceTicks(y0, y1, 6);
  out.push('<g class="ticks" font-size="11" fill="#333">');
  for (const t of xt) {
    const x = r(sx(t));
    out.push(`<line x1="${x}" x2="${x}" y1="${M.top + ph}" y2="${M.top + ph + 4}" stroke="#444"/><text x="${x}" y="${M.top + ph + 16}" text-anchor="middle">${escapeHtml(tickLabel(t))}</text>`);
  }
  for (const t of yt) {
    const y = r(M.top + ph - ((t - y0) / (y1 - y0)) * ph);
    const label = tickLabel(logY ? 10 ** t : t);
    out.push(`<line x1="${M.left - 4}" x2="${M.left}" y1="${y}" y2="${y}" stroke="#444"/><line class="grid" x1="${M.left}" x2="${M.left + pw}" y1="${y}" y2="${y}" stroke="#ddd"/><text x="${M.left - 6}" y="${y}" dy="0.35em" text-anchor="end">${escapeHtml(label)}</text>`);
  }
  out.push(`<text x="${M.left + pw / 2}" y="${M.top + ph + 32}" text-anchor="middle" font-size="12">${escapeHtml(spec.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeHtml(spec.yLabel)}${logY ? ' (log)' : ''}</text>`);
  out.push('</g>');
  // Series.
  for (const s of spec.series) {
    const name = escapeHtml(s.name);
    out.push(`<g class="series" data-series="${name}">`);
    for (const seg of segments(s.points)) {
      if (seg.length < 2) continue;
      const d = seg.map((p) => `${r(sx(p.x))},${r(sy(p.y as number))}`).join(' ');
      out.push(`<polyline points="${d}" fill="none" stroke="${s.colour}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
    }
    for (const p of s.points) {
      if (!isNum(p.y) || !isNum(p.x)) continue;
      out.push(
        `<circle class="marker" cx="${r(sx(p.x))}" cy="${r(sy(p.y as number))}" r="3" fill="${s.dashed ? '#fff' : s.colour}" stroke="${s.colour}" stroke-width="1.5" data-x="${p.x}" data-y="${p.y}"><title>${name}: ${escapeHtml(spec.xLabel)} ${escapeHtml(formatNumber(p.x))} → ${escapeHtml(formatNumber(p.y as number))}</title></circle>`,
      );
    }
    out.push('</g>');
  }
  out.push('</svg>');
  const legend = spec.series
    .map(
      (s) =>
        `<span class="legend-item"><svg width="26" height="10" aria-hidden="true"><line x1="1" x2="25" y1="5" y2="5" stroke="${s.colour}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/><circle cx="13" cy="5" r="3" fill="${s.dashed ? '#fff' : s.colour}" stroke="${s.colour}" stroke-width="1.5"/></svg>${escapeHtml(s.name)}</span>`,
    )
    .join('');
  return `<figure class="chart-figure" id="${escapeHtml(spec.id)}"><figcaption>${escapeHtml(spec.title)}</figcaption>${out.join('')}<div class="legend">${legend}</div></figure>`;
}

/** Tick text: the shortest form of the value rounded to 6 significant digits (1e-4, 0.25, 1200). */
function tickLabel(v: number): string {
  const r = Number(v.toPrecision(6));
  const a = Math.abs(r);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? r.toExponential().replace('e+', 'e') : String(r);
}

function isNum(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Runs of consecutive finite points (a null breaks the line). */
function segments(points: ChartSeries['points']): ChartSeries['points'][] {
  const out: ChartSeries['points'][] = [[]];
  for (const p of points) {
    if (isNum(p.y) && isNum(p.x)) out[out.length - 1].push(p);
    else if (out[out.length - 1].length) out.push([]);
  }
  return out;
}

/** [min, max] of the values with 5 % room either side; a single value gets ±0.5 (or ±10 %). */
function padRange(values: number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) {
    const d = lo === 0 ? 0.5 : Math.min(0.5, Math.abs(lo) * 0.1);
    return [lo - d, hi + d];
  }
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  return [lo, hi];
}

/** Ticks at 1, 2 or 5 × 10^k steps inside [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) as number;
  const ticks: number[] = [];
  // Integer multiples of the step (not repeated addition, which drifts: 0 would become 1.7e-18).
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/**
 * Log-axis ticks (in log10 units) inside [lo, hi]: powers of ten, or 1-2-5 × 10^k, or 1…9 × 10^k,
 * whichever first gives at least two; else evenly spaced values.
 */
function logTicks(lo: number, hi: number): number[] {
  for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const ticks: number[] = [];
    for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
      for (const m of mantissas) {
        const t = Math.log10(m * 10 ** k);
        if (t >= lo - 1e-9 && t <= hi + 1e-9) ticks.push(t);
      }
    }
    if (ticks.length >= 2) return ticks;
  }
  return niceTicks(10 ** lo, 10 ** hi, 4).filter((t) => t > 0).map(Math.log10);
}
