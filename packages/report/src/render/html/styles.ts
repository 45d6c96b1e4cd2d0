/** The page's whole style sheet (inline: the report loads nothing). System fonts only. */
export const STYLES = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #5b6570; --line: #d6dbe0; --accent: #0b63b6; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); margin: 0; padding: 1.5rem 2rem 4rem; max-width: 1400px; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
code, pre { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f8fa; padding: .75rem 1rem; overflow: auto; max-height: 32rem; border: 1px solid var(--line); border-radius: 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .75rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.headline { font-size: 1.1rem; margin: .5rem 0; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.chart-figure { margin: 0; }
.chart-figure figcaption { font-weight: 600; margin-bottom: .25rem; }
.chart { max-width: 100%; height: auto; background: #fff; }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; font-size: 12.5px; color: var(--muted); margin-top: .25rem; }
.legend-item svg { vertical-align: middle; margin-right: .3rem; }
.table-wrap { overflow: auto; max-height: 36rem; border: 1px solid var(--line); border-radius: 4px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th { position: sticky; top: 0; background: #eef1f4; }
table.sortable th button { all: unset; cursor: pointer; }
table.sortable th[aria-sort="ascending"] button::after { content: " ▲"; }
table.sortable th[aria-sort="descending"] button::after { content: " ▼"; }
.main-figure { background: #fff7d6; }
table.confusion td.diagonal { background: #e4f4e4; font-weight: 600; }
.note { color: var(--muted); font-size: 12.5px; }
.images { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 36rem), 1fr)); gap: 1.5rem; }
.report-image { margin: 0; padding: .75rem; border: 1px solid var(--line); border-radius: 4px; }
.report-image figcaption { font-weight: 600; margin-bottom: .5rem; }
.report-image .role { text-transform: uppercase; font-size: 11px; letter-spacing: .05em; background: #eef1f4; padding: .1rem .4rem; border-radius: 3px; }
.report-image .size { color: var(--muted); font-weight: 400; }
.layers { display: flex; flex-wrap: wrap; gap: 1rem; }
.layer { display: flex; flex-direction: column; gap: .25rem; color: var(--muted); font-size: 12.5px; }
.layer canvas { width: clamp(192px, var(--w), 512px); height: auto; image-rendering: pixelated; border: 1px solid var(--line); background: #000; }
.swatch { display: inline-flex; align-items: center; gap: .3rem; }
.chip { display: inline-block; width: 14px; height: 14px; border-radius: 2px; background: var(--c); }
.chip.line { height: 3px; }
.chip.ring { background: none; border: 2px solid var(--c); border-radius: 50%; }
.chip.cross { background: linear-gradient(var(--c), var(--c)) center/100% 3px no-repeat, linear-gradient(var(--c), var(--c)) center/3px 100% no-repeat; border-radius: 0; }
.class-badge { margin: 0 0 .5rem; }
.class-badge.right b:first-child { color: #00873e; }
.class-badge.wrong b:first-child { color: #c4122f; }
.scores { color: var(--muted); }
.draw-error { color: #c4122f; font-weight: 600; }
details summary { cursor: pointer; font-weight: 600; }
`;
