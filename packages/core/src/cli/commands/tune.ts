import path from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig } from '../../config/load-config';
import { UsageError } from '../../errors';
import { LOG_LEVELS, type LogLevel } from '../../logging/logger';
import { RunFiles } from '../../run/run-folder';
import { startRun } from '../../run/start-run';
import { MIN_TUNING_IMAGES, tuneThresholds } from '../../run/tune-thresholds';
import { withConfigOptions, type ConfigOptions } from '../common-options';
import type { CliIO } from '../output';

interface TuneOptions extends ConfigOptions {
  out?: string;
  logLevel: LogLevel;
}

/**
 * `biaflow tune --out RUN`: search the workflow's tunable decoding thresholds again on the run's
 * validation images (split.json) with its trained model, and write the chosen values into the
 * model (biaflow.json `tuned`, rewritten atomically). It holds the run folder's lock while it works.
 */
export function tuneCommand(io: CliIO): Command {
  return withConfigOptions(new Command('tune').description("tune the decoding thresholds of a run's model on its validation images (written into the model)"))
    .option('-o, --out <dir>', 'the run folder (it holds model/ and split.json)')
    .addOption(new Option('--log-level <level>', 'terminal log level').choices(LOG_LEVELS).default('info'))
    .action(async (opts: TuneOptions) => {
      if (!opts.out) throw new UsageError('tune needs --out RUN_DIR', 'the folder of a run that trained a model');
      const runDir = path.resolve(io.cwd, opts.out);
      const loaded = opts.config
        ? await loadConfig({ configFile: opts.config, sets: opts.set, cliPlugins: opts.plugin, cwd: io.cwd })
        : await loadConfig({
            configFile: path.join(runDir, RunFiles.config),
            sets: opts.set,
            cliPlugins: opts.plugin,
            cwd: io.cwd,
            trust: 'saved',
            describe: `the run folder's saved config (${path.join(runDir, RunFiles.config)})`,
          });
      const started = await startRun({ command: 'tune', loaded, out: runDir, resume: true, logLevel: opts.logLevel, cwd: io.cwd });
      try {
        const run = started.context;
        const workflow = run.kernel.workflow(run.config.problem.type);
        if (!workflow.tunable?.length) throw new UsageError(`the ${workflow.name} workflow declares no tunable decoding threshold`);
        const tuned = await tuneThresholds(run, workflow, path.join(runDir, RunFiles.model));
        if (!tuned) throw new UsageError(`nothing was tuned in ${runDir}: see ${path.join(runDir, RunFiles.log)}`, `tuning needs the run's split.json with ${MIN_TUNING_IMAGES} or more validation images that have labels`);
        const show = (v: number | null) => (v === null ? '-' : v.toFixed(4));
        io.stdout(`${tuned.step}: ${Object.entries(tuned.options).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
        io.stdout(`${tuned.figure.label} on ${tuned.images} validation image(s): ${show(tuned.figure.baseline)} → ${show(tuned.figure.value)}\n`);
        io.stdout(`written into ${path.join(runDir, RunFiles.model)}\n`);
      } finally {
        await started.close();
      }
    });
}
