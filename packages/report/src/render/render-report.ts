import { escapeHtml, jsonForScript } from './html/escape';
import { flattenMetrics, formatCell } from './html/flatten';
import { imagesSection } from './html/images-section';
import { overallTables, perImageTable } from './html/metrics-tables';
import { pageScriptSource } from './html/page-script';
import { STYLES } from './html/styles';
import { curveCharts, trainingCharts } from './html/training-charts';
import { toYaml } from './html/yaml';
import type { JsonValue, ReportData } from './report-data';
import { jsonCopy, validateReportData } from './validate-report-data';

/** `id` of the `<script type="application/json">` that holds the report's data. */
export const REPORT_DATA_ID = 'biaflow-report';

/**
 * No request may leave the page: the policy allows only inline styles and scripts and `data:` images,
 * so even a URL that slipped into the data could not be fetched.
 */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/**
 * `report.html` for one run: one self-contained page (inline CSS and JS, no network) showing the
 * run's facts and resolved config, training curves, metrics tables (sortable), the instance curves
 * and the chosen images with ground truth and prediction drawn over them. The data is embedded as
 * JSON in `<script type="application/json" id="biaflow-report">`, read back by the page to draw the
 * images and by any tool that wants it (`readReportData`). NaN and ±Infinity are embedded as null.
 * Throws `ReportDataError` naming the key when the data does not follow `ReportData`.
 */
export function renderReport(input: ReportData): string {
  const data = jsonCopy(input, '') as ReportData;
  validateReportData(data);
  const wf = data.workflow;
  const overallFlat = data.metrics ? flattenMetrics(data.metrics.overall) : {};
  const main = wf.mainFigure.key in overallFlat ? overallFlat[wf.mainFigure.key] : undefined;
  const sections: string[] = [];

  sections.push(`<header><h1>${escapeHtml(data.title)}</h1>
<p class="headline">${escapeHtml(wf.name)} workflow · output: ${escapeHtml(wf.output)}${
    main !== undefined ? ` · <b>${escapeHtml(wf.mainFigure.label)}: ${escapeHtml(formatCell(main))}</b> <span class="note">(${wf.mainFigure.higherIsBetter ? 'higher' : 'lower'} is better)</span>` : ''
  }</p>
<dl class="facts">
<dt>created</dt><dd>${escapeHtml(data.created)}</dd>
<dt>command</dt><dd><code>${escapeHtml(data.command)}</code></dd>
<dt>run folder</dt><dd><code>${escapeHtml(data.runDir)}</code></dd>
<dt>backend</dt><dd>${escapeHtml(data.backend.name)}${data.backend.threads != null ? `, ${escapeHtml(data.backend.threads)} thread(s)` : ''}</dd>
<dt>main figure</dt><dd><code>${escapeHtml(wf.mainFigure.key)}</code> (${escapeHtml(wf.mainFigure.label)})</dd>
</dl></header>`);

  const training = trainingCharts(data.epochs);
  sections.push(
    `<section id="training"><h2>Training</h2>${
      training ? `<div class="charts">${training}</div>` : '<p class="note">No training log: this run did not train.</p>'
    }</section>`,
  );

  if (data.metrics) {
    const curves = data.curves?.length ? `<div class="charts">${curveCharts(data.curves)}</div>` : '';
    sections.push(`<section id="metrics"><h2>Metrics</h2>${curves}<h3>Overall</h3><div class="table-wrap">${overallTables(data.metrics.overall, wf.mainFigure.key)}</div>
<h3>Per image (${data.metrics.per_image.length}) <span class="note">— click a column header to sort</span></h3><div class="table-wrap">${perImageTable(data.metrics.per_image, wf.mainFigure.key)}</div></section>`);
  } else {
    const curves = data.curves?.length ? `<div class="charts">${curveCharts(data.curves)}</div>` : '';
    sections.push(`<section id="metrics"><h2>Metrics</h2>${curves}<p class="note">No metrics: the run had no ground truth to score against.</p></section>`);
  }

  sections.push(
    `<section id="images"><h2>Images</h2>${
      data.images.length ? `<div class="images">${imagesSection(data)}</div>` : '<p class="note">No image was chosen for this report.</p>'
    }</section>`,
  );

  const versions = Object.entries(data.versions)
    .map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(v)}</td></tr>`)
    .join('');
  sections.push(`<section id="setup"><h2>Setup</h2>
<details id="config"><summary>Resolved config</summary><pre>${escapeHtml(toYaml(data.config as JsonValue))}</pre></details>
<h3>Versions</h3><table id="versions"><thead><tr><th>package</th><th>version</th></tr></thead><tbody>${versions}</tbody></table></section>`);

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@biaflow/report">
<title>${escapeHtml(data.title)}</title>
<style>${STYLES}</style>
</head>
<body>
${sections.join('\n')}
<script type="application/json" id="${REPORT_DATA_ID}">${jsonForScript(data)}</script>
<script>${pageScriptSource()}</script>
</body>
</html>
`;
}

/**
 * The `ReportData` embedded in a report's HTML (for tools that read reports back). Throws when the
 * text holds no biaflow report data.
 */
export function readReportData(html: string): ReportData {
  const open = `<script type="application/json" id="${REPORT_DATA_ID}">`;
  const start = html.indexOf(open);
  const end = start < 0 ? -1 : html.indexOf('</script>', start + open.length);
  if (start < 0 || end < 0) throw new Error(`no <script id="${REPORT_DATA_ID}"> in this HTML: it is not a biaflow report`);
  return JSON.parse(html.slice(start + open.length, end)) as ReportData;
}
