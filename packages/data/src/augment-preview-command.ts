import path from 'node:path';
import { Option, type Command } from 'commander';
import { LOG_LEVELS, UsageError, type CommandContribution, type LogLevel } from '@biaflow/core';
import { kernelFor, loadConfig, startRun, withConfigOptions, writeRunImage, type ConfigOptions } from '@biaflow/core/internals';
import { writeAugmentPreview } from './augment-preview';
import { prepareData } from './prepare-data';
import { runDataOptions } from './run-data-options';

interface PreviewCliOptions extends ConfigOptions {
  out?: string;
  count: string;
  overwrite?: boolean;
  logLevel: LogLevel;
}

/**
 * `biaflow augment-preview --config X --out DIR`: check the training data as a run would, then
 * write before/after PNGs of the first training samples, so a person can see what augmentation
 * (core's and the plugins') does before spending hours training with it.
 */
export const augmentPreviewCommand: CommandContribution = {
  name: 'augment-preview',
  description: 'write before/after PNGs of a few augmented training samples',
  define(command: Command) {
    withConfigOptions(command)
      .option('-o, --out <dir>', 'folder for the PNGs (a new or empty folder; it also gets config.yaml, log.jsonl and split.json)')
      .option('-n, --count <n>', 'number of samples', '6')
      .option('--overwrite', 'replace an earlier preview in --out')
      .addOption(new Option('--log-level <level>', 'terminal log level').choices(LOG_LEVELS).default('info'));
  },
  async run(_args, options, io) {
    const opts = options as unknown as PreviewCliOptions;
    if (!opts.out) throw new UsageError('augment-preview needs --out DIR', 'e.g. biaflow augment-preview --config biaflow.config.yaml --out preview');
    const count = Number(opts.count);
    if (!Number.isInteger(count) || count < 1) throw new UsageError(`--count must be a positive integer (got ${opts.count})`);
    const loaded = await loadConfig({ kernel: await kernelFor(io), configFile: opts.config, sets: opts.set, cliPlugins: opts.plugin, cwd: io.cwd });
    const started = await startRun({
      command: 'augment-preview',
      loaded,
      out: opts.out,
      overwrite: opts.overwrite,
      logLevel: opts.logLevel,
      cwd: io.cwd,
    });
    try {
      const run = started.context;
      const workflow = run.workflow;
      await run.kernel.hooks.runStart.promise({ run });
      const prepared = await prepareData(runDataOptions(run, workflow));
      const files = await writeAugmentPreview(prepared.training, run.runDir, {
        count,
        ndim: run.config.problem.ndim,
        writePng: (file, image) => writeRunImage(run, file, { ...image, axes: 'YX' }),
      });
      const pngs = files.filter((f) => f.endsWith('.png'));
      io.stdout(`wrote ${pngs.length} PNGs (image | label, before and after augmentation) to ${run.runDir}\n`);
      for (const f of pngs) io.stdout(`  ${path.basename(f)}\n`);
    } finally {
      await started.close();
    }
  },
};
