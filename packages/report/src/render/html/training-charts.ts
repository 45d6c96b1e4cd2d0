import type { CurveSeries, EpochRow } from '../report-data';
import { lineChart, type ChartSeries } from './svg-chart';

/** Series colours, assigned per metric so `loss` and `val_loss` share one (validation dashed). */
export const SERIES_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

/** Training-log columns that are bookkeeping, not curves. */
const NOT_PLOTTED = new Set(['epoch', 'time_s']);

/**
 * The training log as charts: "Loss" (every column ending in `loss`), "Metrics" (the other columns,
 * train and `val_` pairs sharing a colour) and "Learning rate" (`lr`, log scale). One marker per
 * epoch per series; columns with no finite value and `time_s` are left out. Empty log → no chart.
 */
export function trainingCharts(epochs: EpochRow[]): string {
  if (epochs.length === 0) return '';
  const columns: string[] = [];
  for (const row of epochs) {
    for (const [k, v] of Object.entries(row)) {
      if (!NOT_PLOTTED.has(k) && !columns.includes(k) && typeof v === 'number' && Number.isFinite(v)) columns.push(k);
    }
  }
  const base = (c: string) => c.replace(/^val_/, '');
  const bases: string[] = [];
  for (const c of columns) if (!bases.includes(base(c))) bases.push(base(c));
  const series = (c: string): ChartSeries => ({
    name: c,
    colour: SERIES_COLOURS[bases.indexOf(base(c)) % SERIES_COLOURS.length],
    dashed: c.startsWith('val_'),
    points: epochs.map((row) => ({ x: row.epoch, y: typeof row[c] === 'number' ? (row[c] as number) : null })),
  });
  const groups: { id: string; title: string; yLabel: string; columns: string[]; logY?: boolean }[] = [
    { id: 'chart-loss', title: 'Loss per epoch', yLabel: 'loss', columns: columns.filter((c) => /loss$/.test(c)) },
    { id: 'chart-metrics', title: 'Metrics per epoch', yLabel: 'value', columns: columns.filter((c) => !/loss$/.test(c) && c !== 'lr') },
    { id: 'chart-lr', title: 'Learning rate per epoch', yLabel: 'learning rate', columns: columns.filter((c) => c === 'lr'), logY: true },
  ];
  return groups
    .filter((g) => g.columns.length > 0)
    .map((g) => lineChart({ id: g.id, title: g.title, xLabel: 'epoch', yLabel: g.yLabel, series: g.columns.map(series), logY: g.logY }))
    .join('');
}

/** Named curves (e.g. F1 / precision / recall over IoU thresholds), one chart per x label. */
export function curveCharts(curves: CurveSeries[]): string {
  const byX = new Map<string, CurveSeries[]>();
  for (const c of curves) byX.set(c.xLabel, [...(byX.get(c.xLabel) ?? []), c]);
  let n = 0;
  return [...byX]
    .map(([xLabel, list]) => {
      const yLabels = [...new Set(list.map((c) => c.yLabel))].join(' / ');
      return lineChart({
        id: `chart-curves-${n++}`,
        title: `${yLabels} over ${xLabel}`,
        xLabel,
        yLabel: yLabels,
        series: list.map((c, i) => ({
          name: c.name,
          colour: SERIES_COLOURS[i % SERIES_COLOURS.length],
          points: c.x.map((x, j) => ({ x, y: c.y[j] ?? null })),
        })),
      });
    })
    .join('');
}
