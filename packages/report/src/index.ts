// @biaflow/report: the run's report. The renderer (`@biaflow/report/render`: report data → one
// offline report.html, and the picture functions that draw overlays) is pure and runs in a browser;
// this entry adds what builds a report from a run folder in Node (`writeRunReport`), and the plugin
// (`reportPlugin`, the default export) that provides it as the run's report writer and contributes
// `biaflow report`. The `biaflow` package applies it to every run.
export * from './render';
export { reportPlugin, reportWriter } from './plugin';
export { writeRunReport, chooseImages, factsFromLog, readTrainingLog, overlayPictureName, ReportFiles, type BuiltReport } from './build/run-report';
export {
  reportWindow,
  inputInWindow,
  windowValues,
  intensityRange,
  toBytes,
  labelsInWindow,
  pointsInWindow,
  REPORT_MAX_SIDE,
  type ReportWindow,
  type WindowValues,
  type IntensityRange,
} from './build/report-view';
export { reportSection, reportSettings, type ReportSettings } from './build/report-section';
export type { ReportLayers, LabelLayers, PointLayers, ClassLayers, ImageLayers, LabelOverlayKind } from './build/layers';
export { REPORT_VERSION } from './version';

// A plugin package's default export is its plugin.
export { reportPlugin as default } from './plugin';
