import { definePlugin, Tokens, type BiaflowPlugin, type ReportWriter } from '@biaflow/core';
import { compareCommand } from './compare-command';
import { reportCommand } from './build/report-command';
import { reportSection } from './build/report-section';
import { writeRunReport } from './build/run-report';
import { REPORT_VERSION } from './version';

/** The run's report: written at the end of every run (core's `runEnd` report tap asks the run's report writer), and `biaflow report`. */
export const reportWriter: ReportWriter = { write: (run, metrics, facts) => writeRunReport(run, metrics, facts) };

/** Provides the report writer and contributes `biaflow report` and `biaflow compare` (a run's results side by side: both read run folders). */
export const reportPlugin: BiaflowPlugin = definePlugin({
  name: '@biaflow/report',
  version: REPORT_VERSION,
  core: '^0.1.0',
  description: "the run's report.html: config, training curves, metrics, the worst and best test images with their overlays",
  apply(kernel) {
    kernel.provide(Tokens.ReportWriter, reportWriter);
    kernel.registerConfigSection('report', reportSection);
    kernel.registerCommand(reportCommand);
    kernel.registerCommand(compareCommand);
  },
});
