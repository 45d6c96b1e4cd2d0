import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import YAML from 'yaml';
import { loadConfig, type LoadedConfig } from '../../config/load-config';
import { BUNDLE_META } from '../../kernel/contributions/model-bundle';
import { readBundleMeta } from '../../run/bundle-files';
import { resolveModelRef } from '../../plugins/model-names';
import { readModelForConfig } from '../../run/model-for-config';
import { maxMegavoxelsFromSets } from '../../config/cap-from-sets';
import { checkSettingsFileSize } from '@biaflow/fs';
import { interruptionOf, InterruptedError, UsageError } from '../../errors';
import type { RunContext } from '../../kernel/run-context';
import type { OpenTerminalDisplay, TerminalDisplay } from '../../kernel/contributions/terminal-display';
import { writeTerminal } from '../../logging/terminal';
import { Tokens } from '../../kernel/tokens';
import { evaluateStage } from '../../run/evaluate-stage';
import { coreStages, planStages, runPipeline, type PipelineStages, type RunOutcome } from '../../run/pipeline';
import { checkBeforeWork } from '../../run/check-before-work';
import { checkWorkflowConfig } from '../../config/validate';
import { resultsDirOf, RunFiles } from '../../run/run-folder';
import { isRunConfig } from '../../run/run-files';
import { startRun, type StartedRun } from '../../run/start-run';
import { configFromBundle, warnPluginVersions } from '../../run/bundle-config';
import { runFolderConfig } from '../run-folder-config';
import { withConfigOptions, withRunFolderOptions, type ConfigOptions, type RunFolderCliOptions } from '../common-options';
import { kernelFor } from '../kernel-for';
import type { CliIO } from '../output';
import { formatSummary } from '../results-summary';
import { invocation, resumeCommand } from '../resume-command';

type RunOptions = ConfigOptions &
  RunFolderCliOptions & {
    model?: string;
    input?: string;
    workflow?: string;
    pred?: string;
    gt?: string;
  };

type DataCommand = 'run' | 'train' | 'predict' | 'postprocess' | 'evaluate';

const DESCRIPTIONS: Record<DataCommand, string> = {
  run: 'train, predict, post-process and evaluate, as the config says',
  train: 'train a model (resumable with --resume --out RUN_DIR)',
  predict: 'predict images with a trained model: with --config, or with --model DIR --input PATH',
  postprocess:
    're-run post-processing and evaluation on the network outputs saved in a run folder (--out RUN_DIR); new settings write a variant postprocess/<n>/ (biaflow compare --out RUN_DIR lists them)',
  evaluate:
    'score predictions against ground truth: with --config, or with --pred DIR --gt DIR and --workflow NAME; the metrics settings (tolerance, IoU thresholds) come from --model DIR or the run in --out when given, and are printed',
};

/** Commands that execute a run in a run folder. */
export function runCommands(io: CliIO): Command[] {
  return (Object.keys(DESCRIPTIONS) as DataCommand[]).map((name) => {
    const cmd = withRunFolderOptions(withConfigOptions(new Command(name).description(DESCRIPTIONS[name])));
    if (name === 'predict') {
      cmd.option('-m, --model <dir>', 'model to predict with: a bundle (a run\'s model/ folder; its training config is used), a BioImage Model Zoo package (folder, bioimageio.yaml or .zip; with @biaflow/engine-onnx), or an installed model\'s name (`biaflow plugins` lists them)').option(
        '-i, --input <path>',
        'image file or folder to predict',
      );
    }
    if (name === 'evaluate') {
      cmd
        .option('-w, --workflow <name>', 'the workflow (problem type) of the predictions (`biaflow plugins` lists them)')
        .option('--pred <dir>', 'folder of predictions (label images or point CSVs)')
        .option('--gt <dir>', 'folder of ground truth, matched to predictions by file name')
        .option(
          '-m, --model <dir>',
          "with --pred/--gt: score with the metrics settings (tolerance, IoU thresholds) of this model's training config; a run folder given with --out that holds a run lends its own",
        );
    }
    return cmd.action((opts: RunOptions, self: Command) => execute(name, opts, io, userArgs(self)));
  });
}

/** The arguments the program was called with (commander keeps them on the root command), for the command that continues a stopped run. */
function userArgs(cmd: Command): readonly string[] {
  let root = cmd;
  while (root.parent) root = root.parent;
  return (root as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv.slice(2);
}

/**
 * The config a command runs with: a file the person passed, a run folder's own, a model bundle's,
 * or one built from flags. A saved config (a bundle's, a run folder's) may name plugins by package
 * only, loaded from the person's own installation (docs/security.md); `--plugin` adds the person's own.
 */
/** Where a standalone evaluation took its `metrics:` settings from, said when it ends. */
const metricsSources = new WeakMap<LoadedConfig, string>();

/** The `metrics:` settings and workflow of a model's or a run's config, for a standalone evaluation. */
async function savedMetrics(opts: RunOptions, io: CliIO): Promise<{ metrics?: unknown; problem?: string; from: string } | undefined> {
  const { cwd } = io;
  if (opts.model) {
    const model = resolveModelRef(opts.model, cwd, '--model');
    // Only the saved settings are needed: a bundle's biaflow.json as it is, else what a model format reads.
    const meta = fs.existsSync(path.join(model, BUNDLE_META)) ? await readBundleMeta(model) : (await readModelForConfig(model, { cwd, cliPlugins: opts.plugin, createKernel: () => kernelFor(io), maxMegavoxels: maxMegavoxelsFromSets(opts.set) })).meta;
    const saved = (meta.config ?? {}) as { metrics?: unknown; problem?: { type?: string } };
    return { metrics: saved.metrics, problem: saved.problem?.type ?? meta.problem ?? undefined, from: `the model's training config (${model})` };
  }
  const file = opts.out ? path.join(path.resolve(cwd, opts.out), RunFiles.config) : undefined;
  // A config.yaml biaflow did not write is a person's own, not a run's: --out then holds no run.
  if (!file || !isRunConfig(file)) return undefined;
  let saved: { metrics?: unknown; problem?: { type?: string } } | null;
  checkSettingsFileSize(file, "a run's config");
  try {
    saved = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read the run's config ${file}: ${(e as Error).message}`);
  }
  return { metrics: saved?.metrics, problem: saved?.problem?.type, from: `the run's config (${file})` };
}

async function configFor(command: DataCommand, opts: RunOptions, io: CliIO): Promise<LoadedConfig> {
  const cwd = io.cwd;
  const sets = opts.set;
  const cliPlugins = opts.plugin;
  if (command === 'predict' && (opts.model || opts.input)) {
    if (!opts.model || !opts.input) throw new UsageError('predict needs both --model DIR and --input PATH (or a --config)');
    const model = resolveModelRef(opts.model, cwd, '--model');
    const input = path.resolve(cwd, opts.input);
    if (opts.config) {
      return loadConfig({ kernel: await kernelFor(io), configFile: opts.config, cwd, cliPlugins, sets: [...sets, `model.load=${JSON.stringify(model)}`, `data.test.images=${JSON.stringify(input)}`] });
    }
    const { meta, formatPlugin, settingsFrom } = await readModelForConfig(model, { cwd, cliPlugins, createKernel: () => kernelFor(io), maxMegavoxels: maxMegavoxelsFromSets(sets) });
    const inline = configFromBundle(meta, model, { images: input }, formatPlugin);
    const loaded = await loadConfig({ kernel: await kernelFor(io), inline, cwd, sets, cliPlugins, trust: 'saved', describe: settingsFrom ?? `${formatPlugin ? 'the model' : 'the model bundle'} in ${model}` });
    warnPluginVersions(meta, loaded.kernel);
    return loaded;
  }
  if (command === 'evaluate' && (opts.workflow || opts.pred || opts.gt)) {
    const saved = await savedMetrics(opts, io);
    const workflow = opts.workflow ?? saved?.problem;
    if (!workflow || !opts.pred || !opts.gt) {
      throw new UsageError('evaluate needs --pred DIR and --gt DIR with --workflow NAME (or a --model / run folder that says it), or a --config');
    }
    if (saved?.problem && opts.workflow && saved.problem !== opts.workflow) {
      throw new UsageError(`--workflow ${opts.workflow}, but ${saved.from} is for the ${saved.problem} workflow`, 'drop --workflow, or give a model or run of that workflow');
    }
    const inline = {
      problem: { type: workflow },
      data: { test: { labels: path.resolve(cwd, opts.gt) } },
      ...(saved?.metrics ? { metrics: saved.metrics } : {}),
    };
    const loaded = await loadConfig({ kernel: await kernelFor(io), inline, cwd, sets, cliPlugins });
    const overridden = sets.filter((s) => s.startsWith('metrics.') || s.startsWith('metrics='));
    metricsSources.set(
      loaded,
      `${saved?.metrics ? `from ${saved.from}` : 'the defaults'}${overridden.length ? `, with --set ${overridden.join(', ')}` : ''}`,
    );
    return loaded;
  }
  // Re-using a run folder: post-processing always works in an existing run; a resumed run, and
  // predict / evaluate adding their stage to a run, without --config go on with the run's own config.
  const savedIn = opts.out ? path.join(path.resolve(cwd, opts.out), RunFiles.config) : undefined;
  const addsStage = (command === 'predict' || command === 'evaluate') && Boolean(savedIn && isRunConfig(savedIn));
  const reuse = command === 'postprocess' || Boolean(opts.resume) || addsStage;
  if (reuse && !opts.out) throw new UsageError(`${command === 'postprocess' ? 'postprocess' : '--resume'} needs --out RUN_DIR`);
  if (opts.config) return loadConfig({ kernel: await kernelFor(io), configFile: opts.config, sets, cwd, cliPlugins });
  if (reuse) return runFolderConfig(path.resolve(cwd, opts.out as string), opts, io);
  return loadConfig({ kernel: await kernelFor(io), sets, cwd, cliPlugins });
}

/**
 * Ctrl-C (SIGINT) and SIGTERM while a run works: the first asks it to stop at its next safe point
 * (between steps, images, tiles), which ends it with an `InterruptedError`; a second stops the
 * process at once (exit 130; the lock goes with it, and every file is whole: they are written by rename).
 */
function stopOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      writeTerminal(`\n${name} again: stopping now\n`);
      process.exit(130);
    }
    controller.abort(name);
    // Through writeTerminal: above the progress bars, when they are up.
    writeTerminal(`\n${name}: stopping at the next safe point (press Ctrl-C again to stop at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Run one data command as the CLI does (also used by `tune` to post-process with the tuned values). */
export async function executeDataCommand(command: DataCommand, opts: RunOptions, io: CliIO): Promise<void> {
  return execute(command, opts, io, []);
}

async function execute(command: DataCommand, opts: RunOptions, io: CliIO, argv: readonly string[]): Promise<void> {
  const loaded = await configFor(command, opts, io);
  if (command === 'run' || command === 'train') {
    // Every problem found without training, before the run folder is created.
    const { config, kernel, configPath } = loaded;
    const planned = planStages(command, { config, workflow: kernel.workflow(config.problem.type) });
    checkWorkflowConfig(config, kernel, planned.train, configPath);
    checkBeforeWork(config, kernel, planned, configPath);
  }
  const stop = stopOnSignals();
  let started: StartedRun | undefined;
  let progress: OpenTerminalDisplay | undefined;
  try {
    started = await startRun({
      command,
      loaded,
      out: opts.out,
      resume: Boolean(opts.resume),
      overwrite: opts.overwrite,
      logLevel: opts.logLevel,
      cwd: io.cwd,
      signal: stop.signal,
    });
    const run = started.context;
    // The terminal's progress (bars, or plain lines), when the distribution provides a display: shown beside
    // the run log's by core's sink (not by one a plugin provides).
    if (run.container.isRegistered(Tokens.TerminalDisplay, true)) {
      progress = run.container.resolve<TerminalDisplay>(Tokens.TerminalDisplay).open({ bars: opts.progress !== false });
      run.container.register(Tokens.ProgressDisplay, { useValue: progress.sink });
    }
    const stages: PipelineStages =
      command === 'evaluate' && opts.pred
        ? { ...coreStages, evaluate: (r) => evaluateStage(r, { predictions: path.resolve(io.cwd, opts.pred as string) }) }
        : coreStages;
    const outcome = await runPipeline(run, command, stages);
    progress?.close();
    const source = metricsSources.get(loaded);
    if (source !== undefined) {
      // A standalone evaluation says which settings scored it (tolerance, IoU thresholds…): in the log, and
      // on stderr when stdout holds only --json's object.
      const used = Object.entries(run.config.metrics as Record<string, unknown>).map(([k, v]) => `metrics.${k}=${JSON.stringify(v)}`);
      const line = `scored with ${used.join(', ') || 'no metrics settings'} (${source})`;
      run.logger.info({ event: 'metrics-settings', metrics: run.config.metrics, source }, line);
      if (opts.json) writeTerminal(`${line}\n`);
      else io.stdout(`${line}\n`);
    }
    printResults(run, outcome, opts, io);
  } catch (e) {
    progress?.close();
    const interrupted = interruptionOf(e);
    if (interrupted && started) {
      const { runDir, logger } = started.context;
      const again = resumeCommand(argv, runDir, { cwd: io.cwd, invocation: invocation() });
      // In log.jsonl only (debug): the terminal gets the same from reportError, with the command to continue.
      logger.debug({ event: 'interrupted', where: interrupted.where, resume_from: interrupted.resumeFrom ?? null, command: again }, `stopped ${interrupted.where}`);
      const hint = [interrupted.resumeFrom ? `--resume continues from ${interrupted.resumeFrom}` : undefined, `to continue: ${again}`].filter(Boolean).join('\n');
      throw new InterruptedError(interrupted.where, interrupted.resumeFrom, hint);
    }
    throw e;
  } finally {
    stop.dispose();
    await started?.close();
  }
}

/**
 * What a finished command prints on stdout: the run folder, and for a command that evaluated, the
 * workflow's summary figures and where the metrics and the report are; with `--json`, exactly one
 * JSON object `{ run, report, overall }` (`overall` as metrics.json holds it, null without one).
 * The report is named only when the report writer wrote it (`report: null` in the JSON otherwise).
 */
function printResults(run: RunContext, outcome: RunOutcome, opts: RunOptions, io: CliIO): void {
  // A postprocess variant's results are in its own folder (postprocess/<n>/), with its own report.
  const runDir = resultsDirOf(run);
  const metricsFile = path.join(runDir, RunFiles.metrics);
  // Read back from the file, so what is shown is exactly what metrics.json holds (NaN already null).
  const written = outcome.metrics ? (JSON.parse(fs.readFileSync(metricsFile, 'utf8')) as { overall: Record<string, unknown>; per_image?: unknown[] }) : undefined;
  if (opts.json) {
    io.stdout(`${JSON.stringify({ run: runDir, report: outcome.report?.html ?? null, overall: written?.overall ?? null })}\n`);
    return;
  }
  // For the person: paths from the working folder when the run is inside it.
  const shown = (p: string) => {
    const relative = path.relative(io.cwd, p);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : p;
  };
  io.stdout(`results: ${shown(runDir)}\n`);
  if (!written) return;
  const workflow = run.workflow;
  io.stdout(
    formatSummary({
      figures: workflow.summary,
      overall: written.overall,
      images: Array.isArray(written.per_image) ? written.per_image.length : undefined,
      metricsFile: shown(metricsFile),
      reportFile: outcome.report ? shown(outcome.report.html) : undefined,
    }),
  );
}
