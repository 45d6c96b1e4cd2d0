import type { WrittenReport } from '../kernel/contributions/report-writer';
import type { RunContext } from '../kernel/run-context';

/**
 * The report the run's report writer wrote at the end of a run (core's `runEnd` report tap records
 * it), so what the command prints names a `report.html` only when one was written: none when no
 * plugin provides a report writer, or when writing it failed (a warning in the log).
 */
const written = new WeakMap<RunContext, WrittenReport>();

export function recordWrittenReport(run: RunContext, report: WrittenReport): void {
  written.set(run, report);
}

/** What the report writer wrote for this run, if it wrote anything. */
export function writtenReportOf(run: RunContext): WrittenReport | undefined {
  return written.get(run);
}
