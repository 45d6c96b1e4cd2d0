import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { InputError, LOG_LEVELS, UsageError, type CommandContribution, type LogLevel, type MetricsReport } from '@biaflow/core';
import { factsOfRun, holdsRun, listPostprocessVariants, RunFiles, runFolderConfig, startRun, withConfigOptions, type ConfigOptions } from '@biaflow/core/internals';
import { factsFromLog, writeRunReport } from './run-report';

interface ReportOptions extends ConfigOptions {
  out?: string;
  logLevel: LogLevel;
}

/** The run's `metrics.json`, when it evaluated; a file that is not the metrics contract is an input error naming it. */
function readMetricsFile(runDir: string): MetricsReport | undefined {
  const file = path.join(runDir, RunFiles.metrics);
  if (!fs.existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`is not valid JSON (${(e as Error).message})`, { file, hint: 'evaluate the run again (biaflow evaluate --out RUN) to rewrite it' });
  }
  const m = parsed as Partial<MetricsReport> | null;
  if (!m || typeof m.overall !== 'object' || !Array.isArray(m.per_image)) {
    throw new InputError('does not hold { overall, per_image }', { file, hint: 'evaluate the run again (biaflow evaluate --out RUN) to rewrite it' });
  }
  return m as MetricsReport;
}

/**
 * `biaflow report --out RUN`: write `report.html` and `report/*-overlay.png` of an existing run
 * again, from what its folder holds (saved config, log, training log, predictions, metrics.json) —
 * the same code the end of every run uses, and the report of each post-processing variant
 * (`postprocess/<n>/`). It holds the run folder's lock while it works.
 */
export const reportCommand: CommandContribution = {
  name: 'report',
  description: "write a run's report.html (and its overlay pictures) again from its folder",
  define(command: Command) {
    withConfigOptions(command)
      .option('-o, --out <dir>', 'the run folder')
      .addOption(new Option('--log-level <level>', 'terminal log level').choices(LOG_LEVELS).default('warn'));
  },
  async run(_args, options, io) {
      const opts = options as unknown as ReportOptions;
      if (!opts.out) throw new UsageError('report needs --out RUN_DIR', 'the folder of a run (it holds config.yaml)');
      const runDir = path.resolve(io.cwd, opts.out);
      if (!fs.existsSync(runDir) || !holdsRun(runDir) || (!opts.config && !fs.existsSync(path.join(runDir, RunFiles.config)))) {
        throw new UsageError(`${runDir} holds no biaflow run (no ${RunFiles.config})`, 'pass the folder a run, train or predict command wrote with --out');
      }
      const loaded = await runFolderConfig(runDir, opts, io);
      const metrics = readMetricsFile(runDir);
      const started = await startRun({ command: 'report', loaded, out: runDir, resume: true, logLevel: opts.logLevel, cwd: io.cwd });
      try {
        const run = started.context;
        const facts = factsFromLog(runDir) ?? factsOfRun(run);
        const written = await writeRunReport(run, metrics, facts);
        io.stdout(`report: ${written.html}\n`);
        for (const p of written.pictures) io.stdout(`picture: ${p}\n`);
        // Each post-processing variant's own report, with the variant's config and metrics (postprocess/<n>/).
        for (const variant of listPostprocessVariants(runDir).filter((v) => v.dir !== runDir)) {
          const { config } = await runFolderConfig(variant.dir, { ...opts, config: undefined }, io);
          const own = await writeRunReport({ ...run, config, resultsDir: variant.dir }, readMetricsFile(variant.dir), facts);
          io.stdout(`report: ${own.html}\n`);
          for (const p of own.pictures) io.stdout(`picture: ${p}\n`);
        }
      } finally {
        await started.close();
      }
  },
};
