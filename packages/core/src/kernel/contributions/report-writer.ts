import type { RunContext } from '../run-context';
import type { MetricsReport } from '../stages';

/** Who made the run: the command line, package versions and backend (from the run, or its log when rebuilt). */
export interface RunFacts {
  command: string;
  versions: Record<string, string>;
  backend: { name: string; threads: number | null };
  /** When the run started (ISO 8601). */
  started?: string;
}

/** What a report writer wrote: the report's file and its pictures (paths). */
export interface WrittenReport {
  html: string;
  pictures: string[];
}

/**
 * Writes a run's report from what its folder holds (`kernel.provide(Tokens.ReportWriter, …)`):
 * `@biaflow/report` provides the offline `report.html`. Core calls it at the end of every run (the
 * `runEnd` tap `@biaflow/core:report`, after the metrics files); a report that cannot be written is a
 * warning, never a failed run. What it returns is what the command names (stdout, `--json`): a report
 * it did not write is never named.
 */
export interface ReportWriter {
  write(run: RunContext, metrics: MetricsReport | undefined, facts: RunFacts): Promise<WrittenReport>;
}
