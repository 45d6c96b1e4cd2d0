import type { RunFacts } from '../kernel/contributions/report-writer';
import type { RunContext } from '../kernel/run-context';
import { CORE_NAME, CORE_VERSION } from '../kernel/version';

/** Package versions of a run: core, every plugin, what computes (tfjs) and Node. */
export function runVersions(run: Pick<RunContext, 'kernel' | 'computeVersions'>): Record<string, string> {
  return {
    [CORE_NAME]: CORE_VERSION,
    ...Object.fromEntries(run.kernel.allPlugins.map((p) => [p.name, p.version])),
    ...run.computeVersions,
    node: process.version,
  };
}

/** The facts of a running run (the report written at its end). */
export function factsOfRun(run: RunContext): RunFacts {
  return {
    command: ['biaflow', ...process.argv.slice(2)].join(' '),
    versions: runVersions(run),
    backend: { name: run.backend, threads: run.backend === 'wasm' ? run.threads : null },
  };
}
