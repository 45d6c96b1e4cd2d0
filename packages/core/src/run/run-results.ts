import path from 'node:path';
import type { WorkflowDriver } from '../kernel/workflow-driver';
import type { RunContext } from '../kernel/run-context';
import type { Prediction } from '../kernel/stages';
import type { OutputKind } from '../kernel/contributions/output-kind';
import { outputKindOf } from './output-kind-of';
import { probabilitiesPath, resultExists, writeProbabilities, writeResult } from './prediction-files';
import { RowTable } from './row-table';
import { resultsDirOf, RunFiles } from './run-folder';
import { assertNoLinkInRunFolder } from '@biaflow/fs';

/**
 * What a run writes per image, from its workflow's declaration: the network output
 * (`probabilities/`), the rows of its tables, and its result file. Each image's result is written
 * last and atomically, so a resumed run skips exactly the images that are complete.
 */
class RunResults {
  private readonly tables = new Map<string, RowTable>();
  private readonly kind: OutputKind;

  constructor(
    private readonly run: RunContext,
    private readonly workflow: WorkflowDriver,
    keepEarlier: boolean,
  ) {
    // Checked once before any image is predicted, so a link planted in a resumed run stops it before
    // any work (and before `complete` looks through the link); each write checks again.
    this.kind = outputKindOf(run.kernel, workflow);
    const results = resultsDirOf(run);
    assertNoLinkInRunFolder(run.runDir, path.join(results, RunFiles.predictions));
    assertNoLinkInRunFolder(run.runDir, path.join(run.runDir, RunFiles.probabilities));
    for (const t of workflow.tables) this.tables.set(t.name, new RowTable(path.join(results, t.file), keepEarlier, run.runDir));
  }

  /** True when an earlier run already wrote this image's result (for a kind without a file, a class, its row in the table). */
  complete(name: string): boolean {
    if (!this.kind.file) return [...this.tables.values()].some((t) => t.has(name));
    return resultExists(this.run.kernel, resultsDirOf(this.run), name);
  }

  /** Write one image: network output (when saved and not re-post-processing), table rows, then the result. Returns the files written. */
  async write(result: Prediction, raw: Prediction): Promise<string[]> {
    const { run } = this;
    const written: string[] = [];
    if (raw.probabilities && run.config.predict.save_probabilities && run.command !== 'postprocess') {
      const file = probabilitiesPath(run.runDir, raw.name);
      assertNoLinkInRunFolder(run.runDir, file);
      await writeProbabilities(file, raw.probabilities, raw.source, run);
      written.push(file);
    }
    for (const [name, rows] of Object.entries(result.tables ?? {})) {
      const table = this.tables.get(name);
      if (table) await table.set(result.name, rows);
    }
    written.push(...(await writeResult(run, result, this.workflow.output)));
    return written;
  }
}

const perRun = new WeakMap<RunContext, RunResults>();

/** The run's results writer (one per run: the tables accumulate rows over its images). */
export function runResults(run: RunContext): RunResults {
  let results = perRun.get(run);
  if (!results) {
    results = new RunResults(run, run.workflow, Boolean(run.resume));
    perRun.set(run, results);
  }
  return results;
}
