import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { type CliIO, type CommandContribution, type ConfigOptions, executeDataCommand, type Kernel, listPostprocessVariants, LOG_LEVELS, type LogLevel, planPostprocess, postprocessSettings, type ResolvedConfig, RunFiles, runFolderConfig, startRun, type TunedDecoding, UsageError, withConfigOptions, withTunedValues } from '@biaflow/core/internals';
import { MIN_TUNING_IMAGES, tuneThresholds } from './tune-thresholds';

/**
 * The run's post-processing steps with the tuned values written out (the config's own values still
 * win, as at prediction), when the run folder holds saved network outputs and no result has these
 * settings yet; undefined otherwise (and says why).
 */
function tunedVariantSteps(config: ResolvedConfig, kernel: Kernel, tuned: TunedDecoding, runDir: string, io: CliIO): Record<string, unknown>[] | undefined {
  const probabilities = path.join(runDir, RunFiles.probabilities);
  if (!fs.existsSync(probabilities) || fs.readdirSync(probabilities).every((f) => f.startsWith('.'))) {
    io.stdout(`no saved network outputs in ${probabilities}: no post-processing variant written (biaflow predict --out ${runDir}, then biaflow postprocess)\n`);
    return undefined;
  }
  const { plan } = withTunedValues(planPostprocess(config.postprocess, kernel, config.problem.type).plan, tuned);
  const steps = plan.map((s) => ({ method: s.method.name, ...s.options }));
  const settings = postprocessSettings(steps as { method: string }[], kernel, config.problem.type);
  const same = listPostprocessVariants(runDir).find((v) => v.steps && postprocessSettings(v.steps, kernel, config.problem.type) === settings);
  if (same) {
    io.stdout(`the tuned values are those of the result in ${same.dir}: no new post-processing variant\n`);
    return undefined;
  }
  return steps;
}

interface TuneOptions extends ConfigOptions {
  out?: string;
  logLevel: LogLevel;
}

/**
 * `biaflow tune --out RUN`: search the workflow's tunable decoding thresholds again on the run's
 * validation images (split.json) with its trained model, and write the chosen values into the
 * model (biaflow.json `tuned`, rewritten atomically). It holds the run folder's lock while it works.
 * When the run saved its network outputs, it then post-processes them with the tuned values into a
 * new variant `postprocess/<n>/`, so the first result and the tuned one can be compared.
 */
export const tuneCommand: CommandContribution = {
  name: 'tune',
  description: "tune the decoding thresholds of a run's model on its validation images (written into the model; with saved network outputs, also post-processed into a variant postprocess/<n>/)",
  define(command: Command) {
    withConfigOptions(command)
      .option('-o, --out <dir>', 'the run folder (it holds model/ and split.json)')
      .addOption(new Option('--log-level <level>', 'terminal log level').choices(LOG_LEVELS).default('info'));
  },
  async run(_args, options, io) {
    const opts = options as unknown as TuneOptions;
    if (!opts.out) throw new UsageError('tune needs --out RUN_DIR', 'the folder of a run that trained a model');
    const runDir = path.resolve(io.cwd, opts.out);
    const loaded = await runFolderConfig(runDir, opts, io);
    const started = await startRun({ command: 'tune', loaded, out: runDir, resume: true, logLevel: opts.logLevel, cwd: io.cwd });
    let variantSteps: Record<string, unknown>[] | undefined;
    try {
      const run = started.context;
      const workflow = run.workflow;
      if (!workflow.tunable?.length) throw new UsageError(`the ${workflow.name} workflow declares no tunable decoding threshold`);
      const tuned = await tuneThresholds(run, workflow, path.join(runDir, RunFiles.model));
      if (!tuned) throw new UsageError(`nothing was tuned in ${runDir}: see ${path.join(runDir, RunFiles.log)}`, `tuning needs the run's split.json with ${MIN_TUNING_IMAGES} or more validation images that have labels`);
      const show = (v: number | null) => (v === null ? '-' : v.toFixed(4));
      io.stdout(`${tuned.step}: ${Object.entries(tuned.options).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
      io.stdout(`${tuned.figure.label} on ${tuned.images} validation image(s): ${show(tuned.figure.baseline)} → ${show(tuned.figure.value)}\n`);
      io.stdout(`written into ${path.join(runDir, RunFiles.model)}\n`);
      variantSteps = tunedVariantSteps(run.config, run.kernel, tuned, runDir, io);
    } finally {
      await started.close();
    }
    // The run's saved network outputs, post-processed with the tuned values: a variant beside the first result.
    if (variantSteps) {
      await executeDataCommand(
        'postprocess',
        { config: opts.config, set: [...opts.set, `postprocess=${JSON.stringify(variantSteps)}`], plugin: opts.plugin, out: runDir, logLevel: opts.logLevel, progress: true },
        io,
      );
    }
  },
};
