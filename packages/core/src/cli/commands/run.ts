import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../../config/load-config';
import { readBundleMeta } from '../../engine/bundle/save-load';
import { interruptionOf, InterruptedError, UsageError } from '../../errors';
import type { RunContext } from '../../kernel/run-context';
import { writeTerminal } from '../../logging/terminal';
import { Tokens } from '../../kernel/tokens';
import { evaluateStage } from '../../run/evaluate-stage';
import { coreStages, runPipeline, type PipelineStages, type RunOutcome } from '../../run/pipeline';
import { logProgress, teeProgress } from '../../run/progress-log';
import { RunFiles } from '../../run/run-folder';
import { startRun, type StartedRun } from '../../run/start-run';
import { configFromBundle, warnPluginVersions } from '../../services/workflow-model';
import { withConfigOptions, withRunFolderOptions, type ConfigOptions, type RunFolderCliOptions } from '../common-options';
import type { CliIO } from '../output';
import { terminalProgress, type TerminalProgress } from '../progress/terminal-progress';
import { formatSummary, reportPath, summaryFigures } from '../results-summary';
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
  postprocess: 're-run post-processing and evaluation on the network outputs saved in a run folder (--out RUN_DIR)',
  evaluate: 'score predictions against ground truth: with --config, or with --workflow NAME --pred DIR --gt DIR',
};

/** Commands that execute a run in a run folder. */
export function runCommands(io: CliIO): Command[] {
  return (Object.keys(DESCRIPTIONS) as DataCommand[]).map((name) => {
    const cmd = withRunFolderOptions(withConfigOptions(new Command(name).description(DESCRIPTIONS[name])));
    if (name === 'predict') {
      cmd.option('-m, --model <dir>', 'model bundle to predict with (a run\'s model/ folder); its training config is used').option(
        '-i, --input <path>',
        'image file or folder to predict',
      );
    }
    if (name === 'evaluate') {
      cmd
        .option('-w, --workflow <name>', 'the workflow (problem type) of the predictions (`biaflow plugins` lists them)')
        .option('--pred <dir>', 'folder of predictions (label images or point CSVs)')
        .option('--gt <dir>', 'folder of ground truth, matched to predictions by file name');
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
async function configFor(command: DataCommand, opts: RunOptions, io: CliIO): Promise<LoadedConfig> {
  const cwd = io.cwd;
  const sets = opts.set;
  const cliPlugins = opts.plugin;
  if (command === 'predict' && (opts.model || opts.input)) {
    if (!opts.model || !opts.input) throw new UsageError('predict needs both --model DIR and --input PATH (or a --config)');
    const model = path.resolve(cwd, opts.model);
    const input = path.resolve(cwd, opts.input);
    if (opts.config) {
      return loadConfig({ configFile: opts.config, cwd, cliPlugins, sets: [...sets, `model.load=${JSON.stringify(model)}`, `data.test.images=${JSON.stringify(input)}`] });
    }
    const meta = await readBundleMeta(model);
    const inline = configFromBundle(meta, model, { images: input });
    const loaded = await loadConfig({ inline, cwd, sets, cliPlugins, trust: 'saved', describe: `the model bundle in ${model}` });
    warnPluginVersions(meta, loaded.kernel);
    return loaded;
  }
  if (command === 'evaluate' && (opts.workflow || opts.pred || opts.gt)) {
    if (!opts.workflow || !opts.pred || !opts.gt) throw new UsageError('evaluate needs --workflow NAME, --pred DIR and --gt DIR together (or a --config)');
    const inline = { problem: { type: opts.workflow }, data: { test: { labels: path.resolve(cwd, opts.gt) } } };
    return loadConfig({ inline, cwd, sets, cliPlugins });
  }
  // Re-using a run folder: post-processing always works in an existing run; a resumed run
  // without --config continues with the config it started with.
  const reuse = command === 'postprocess' || Boolean(opts.resume);
  if (reuse && !opts.out) throw new UsageError(`${command === 'postprocess' ? 'postprocess' : '--resume'} needs --out RUN_DIR`);
  if (opts.config) return loadConfig({ configFile: opts.config, sets, cwd, cliPlugins });
  if (reuse) {
    const saved = path.join(path.resolve(cwd, opts.out as string), RunFiles.config);
    return loadConfig({ configFile: saved, sets, cwd, cliPlugins, trust: 'saved', describe: `the run folder's saved config (${saved})` });
  }
  return loadConfig({ sets, cwd, cliPlugins });
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

async function execute(command: DataCommand, opts: RunOptions, io: CliIO, argv: readonly string[]): Promise<void> {
  const loaded = await configFor(command, opts, io);
  const stop = stopOnSignals();
  let started: StartedRun | undefined;
  let progress: TerminalProgress | undefined;
  try {
    started = await startRun({
      command,
      loaded,
      out: opts.out,
      resume: command === 'postprocess' || Boolean(opts.resume),
      overwrite: opts.overwrite,
      logLevel: opts.logLevel,
      cwd: io.cwd,
      signal: stop.signal,
    });
    const run = started.context;
    // The terminal's progress (bars, or plain lines), beside the run log's; unless a plugin provided its own.
    if (!run.container.isRegistered(Tokens.Progress)) {
      progress = terminalProgress({ bars: opts.progress !== false });
      run.container.register(Tokens.Progress, { useValue: teeProgress(logProgress(run.logger), progress.sink) });
    }
    const stages: PipelineStages =
      command === 'evaluate' && opts.pred
        ? { ...coreStages, evaluate: (r) => evaluateStage(r, { predictions: path.resolve(io.cwd, opts.pred as string) }) }
        : coreStages;
    const outcome = await runPipeline(run, command, stages);
    progress?.close();
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
 */
function printResults(run: RunContext, outcome: RunOutcome, opts: RunOptions, io: CliIO): void {
  const { runDir } = run;
  const metricsFile = path.join(runDir, RunFiles.metrics);
  // Read back from the file, so what is shown is exactly what metrics.json holds (NaN already null).
  const written = outcome.metrics ? (JSON.parse(fs.readFileSync(metricsFile, 'utf8')) as { overall: Record<string, unknown>; per_image?: unknown[] }) : undefined;
  if (opts.json) {
    io.stdout(`${JSON.stringify({ run: runDir, report: reportPath(runDir), overall: written?.overall ?? null })}\n`);
    return;
  }
  // For the person: paths from the working folder when the run is inside it.
  const shown = (p: string) => {
    const relative = path.relative(io.cwd, p);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : p;
  };
  io.stdout(`results: ${shown(runDir)}\n`);
  if (!written) return;
  const workflow = run.kernel.workflow(run.config.problem.type);
  io.stdout(
    formatSummary({
      figures: summaryFigures(workflow),
      overall: written.overall,
      images: Array.isArray(written.per_image) ? written.per_image.length : undefined,
      metricsFile: shown(metricsFile),
      reportFile: shown(reportPath(runDir)),
    }),
  );
}
