import os from 'node:os';
import { Lifecycle } from 'tsyringe';
import { augmentSample, coreRandom, type RandomSource } from '@biaflow/image';
import { RunDataIO } from '../data/data-io';
import type { Kernel } from '../kernel/kernel';
import type { BiaflowPlugin } from '../kernel/plugin';
import type { RunContext } from '../kernel/run-context';
import { Tokens } from '../kernel/tokens';
import { CORE_NAME, CORE_VERSION } from '../kernel/version';
import { writeMetrics } from './metrics-files';
import { planPostprocess, type PlannedStep } from '../config/postprocess-plan';
import { checkPostprocessChain } from '../config/postprocess-chain';
import { resultsDirOf } from './run-folder';
import { runResults } from './run-results';
import type { ReportWriter } from '../kernel/contributions/report-writer';
import { factsOfRun, runVersions } from './run-facts';
import { recordWrittenReport } from './written-report';
import { modelTuning, withTunedValues } from './tuned-decoding';
import { FileWriters } from './file-writers';
import { EngineChoice } from './open-network';
import { RunProgress } from './progress-log';
import { RunFolder } from './run-folder';
import { RunLog } from './run-log';

/** Names of core's taps, so a plugin can place its own before or after them (tapable's `before`). */
export const CORE_TAPS = Object.freeze({
  runLog: '@biaflow/core:run-log',
  augment: '@biaflow/core:augment',
  postprocessSteps: '@biaflow/core:postprocess-steps',
  tables: '@biaflow/core:tables',
  writeResult: '@biaflow/core:write-result',
  metricsFiles: '@biaflow/core:metrics-files',
  report: '@biaflow/core:report',
});

/**
 * The configured steps of a run, planned once per run: the config's options, then thresholds tuned
 * into the model (biaflow.json `tuned`), then the steps' defaults. Logged when tuned values are used.
 */
const plans = new WeakMap<RunContext, Promise<PlannedStep[]>>();
function stepsOf(run: RunContext): Promise<PlannedStep[]> {
  let plan = plans.get(run);
  if (!plan) {
    plan = (async () => {
      const configured = planPostprocess(run.config.postprocess, run.kernel, run.config.problem.type).plan;
      // Its mismatches stopped the config from loading; what declares nothing is run on trust, said once.
      for (const warning of checkPostprocessChain(configured, run.kernel, run.config.problem.type).warnings) {
        run.logger.warn({ event: 'postprocess-unchecked' }, warning);
      }
      const tuned = await modelTuning(run);
      const { plan: steps, applied, kept } = withTunedValues(configured, tuned);
      if (tuned && (Object.keys(applied).length || kept.length)) {
        const values = Object.entries(applied).map(([k, v]) => `${k} ${v}`).join(', ');
        run.logger.info(
          { event: 'tuned-decoding', step: tuned.step, applied, kept },
          `${tuned.step}: ${values ? `thresholds tuned on validation data: ${values}` : 'no tuned threshold used'}${kept.length ? ` (the config sets ${kept.join(', ')})` : ''}`,
        );
      }
      return steps;
    })();
    plans.set(run, plan);
  }
  return plan;
}

/**
 * Core's own behaviour, as a built-in plugin on the lifecycle hooks (webpack's way): the default
 * services in the run's container, and a tap for each thing core does — log the run, augment
 * samples, run the configured post-processing steps, fill the workflow's tables, write each result,
 * write the metrics files. A plugin taps before (lower stage) or after (higher stage) to observe or
 * change what flows, or replaces a service by registering its own.
 */
export const corePlugin: BiaflowPlugin = {
  name: CORE_NAME,
  version: CORE_VERSION,
  core: CORE_VERSION,
  description: 'biaflow core: its own behaviour as taps and default services',
  apply(kernel: Kernel) {
    // The run's services: the run's container builds each from what it is injected (a plugin's own replaces one).
    kernel.provideClass(Tokens.RunFolder, RunFolder);
    kernel.provideClass(Tokens.RunLog, RunLog);
    kernel.container.register(Tokens.Logger, { useFactory: (run) => run.resolve<RunLog>(Tokens.RunLog).logger });
    kernel.provide(Tokens.Random, coreRandom);
    // Built at each use, so they see every reader, writer and engine registered by then.
    kernel.provideClass(Tokens.DataIO, RunDataIO, Lifecycle.Transient);
    kernel.provideClass(Tokens.FileWriters, FileWriters, Lifecycle.Transient);
    kernel.provideClass(Tokens.EngineChoice, EngineChoice, Lifecycle.Transient);
    kernel.provideClass(Tokens.Progress, RunProgress, Lifecycle.Transient);
    const { hooks } = kernel;

    hooks.runStart.tap(CORE_TAPS.runLog, ({ run }) => {
      const { logger } = run;
      logger.info(
        {
          event: 'run-start',
          command: run.command,
          runDir: run.runDir,
          resume: run.resume,
          // The command line, so a report rebuilt later (`biaflow report`) names what made the run.
          argv: process.argv.slice(2),
          versions: runVersions(run),
        },
        `${run.command} in ${run.runDir}`,
      );
      logger.info(
        { event: 'backend', backend: run.backend, reason: run.backendReason, threads: run.threads, cpus: os.cpus().length },
        `backend ${run.backend}${run.backend === 'wasm' ? `, ${run.threads} thread(s)` : ''}${run.backendReason ? ` (${run.backendReason})` : ''}`,
      );
      logger.debug({ event: 'config', config: run.config }, 'resolved config');
    });

    hooks.augment.tap({ name: CORE_TAPS.augment, stage: 0 }, (sample, { run, seed, applied }) => {
      const settings = run.config.augment;
      if (!settings.enabled) return sample;
      return augmentSample(sample, settings, seed, run.config.problem.ndim, applied, run.container.resolve<RandomSource>(Tokens.Random));
    });

    hooks.postprocess.tapPromise({ name: CORE_TAPS.postprocessSteps, stage: 0 }, async (prediction, event) => {
      let current = prediction;
      for (const step of await stepsOf(event.run)) current = await step.method.run(current, step.options, event);
      return current;
    });

    // After every plugin's refinement, so the tables describe the final result.
    hooks.postprocess.tap({ name: CORE_TAPS.tables, stage: 100 }, (prediction, { run }) => {
      const { tables } = run.workflow;
      if (tables.length === 0) return prediction;
      const rows = { ...(prediction.tables ?? {}) };
      for (const table of tables) {
        const r = run.workflow.tableRows(table, prediction, run);
        if (r) rows[table.name] = r;
      }
      return { ...prediction, tables: rows };
    });

    hooks.writeResult.tapPromise({ name: CORE_TAPS.writeResult, stage: 0 }, async (prediction, event) => {
      event.files.push(...(await runResults(event.run).write(prediction, event.raw)));
      return prediction;
    });

    hooks.runEnd.tapPromise({ name: CORE_TAPS.metricsFiles, stage: 100 }, async (report, { run }) => {
      const metrics = report ? await writeMetrics(resultsDirOf(run), report, run.runDir) : undefined;
      if (metrics) run.logger.info({ event: 'metrics', overall: metrics.overall }, 'evaluated');
      run.logger.info({ event: 'run-end', command: run.command }, `${run.command} done`);
      return metrics;
    });

    // After the metrics files (stage 100), from what the run folder now holds, by the run's report
    // writer (`@biaflow/report`'s, which also rebuilds the report of an existing run: `biaflow report`).
    // A report that cannot be made is a warning, not a failed run: the run's outputs are all written by then.
    // What it wrote is recorded, so the command names report.html only when it exists.
    hooks.runEnd.tapPromise({ name: CORE_TAPS.report, stage: 200 }, async (metrics, { run }) => {
      if (!run.container.isRegistered(Tokens.ReportWriter, true)) return metrics;
      try {
        recordWrittenReport(run, await run.container.resolve<ReportWriter>(Tokens.ReportWriter).write(run, metrics, factsOfRun(run)));
      } catch (e) {
        run.logger.warn({ event: 'report-failed', error: (e as Error).message }, `report.html was not written: ${(e as Error).message}`);
      }
      return metrics;
    });

    hooks.runFailure.tap(CORE_TAPS.runLog, ({ run, error }) => {
      const message = error instanceof Error ? error.message : String(error);
      run.logger.debug({ event: 'run-failed', error: message }, `${run.command} failed: ${message}`);
    });
  },
};
