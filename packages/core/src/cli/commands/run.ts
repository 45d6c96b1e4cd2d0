import path from 'node:path';
import { Command } from 'commander';
import { loadConfig, type LoadedConfig } from '../../config/load-config';
import { resolveModelRef } from '../../kernel/model-names';
import { readModelForConfig } from '../../services/model-for-config';
import { UsageError } from '../../errors';
import { evaluateStage } from '../../run/evaluate-stage';
import { coreStages, runPipeline, type PipelineStages } from '../../run/pipeline';
import { RunFiles } from '../../run/run-folder';
import { startRun } from '../../run/start-run';
import { configFromBundle, warnPluginVersions } from '../../services/workflow-model';
import { withConfigOptions, withRunFolderOptions, type ConfigOptions, type RunFolderCliOptions } from '../common-options';
import type { CliIO } from '../output';

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
      cmd.option('-m, --model <dir>', 'model to predict with: a bundle (a run\'s model/ folder; its training config is used), a BioImage Model Zoo package (folder, bioimageio.yaml or .zip; with @biaflow/engine-onnx), or an installed model\'s name (`biaflow plugins` lists them)').option(
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
    return cmd.action((opts: RunOptions) => execute(name, opts, io));
  });
}

/** The config a command runs with: a file, a run folder's own, a model bundle's, or built from flags. */
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
    const model = resolveModelRef(opts.model, cwd, '--model');
    const input = path.resolve(cwd, opts.input);
    if (opts.config) {
      return loadConfig({ configFile: opts.config, cwd, cliPlugins, sets: [...sets, `model.load=${JSON.stringify(model)}`, `data.test.images=${JSON.stringify(input)}`] });
    }
    const { meta, formatPlugin } = await readModelForConfig(model, { cwd, cliPlugins });
    const inline = configFromBundle(meta, model, { images: input }, formatPlugin);
    const loaded = await loadConfig({ inline, cwd, sets, cliPlugins, trust: 'saved', describe: `${formatPlugin ? 'the model' : 'the model bundle'} in ${model}` });
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

async function execute(command: DataCommand, opts: RunOptions, io: CliIO): Promise<void> {
  const loaded = await configFor(command, opts, io);
  const started = await startRun({
    command,
    loaded,
    out: opts.out,
    resume: command === 'postprocess' || Boolean(opts.resume),
    overwrite: opts.overwrite,
    logLevel: opts.logLevel,
    cwd: io.cwd,
  });
  const stages: PipelineStages =
    command === 'evaluate' && opts.pred
      ? { ...coreStages, evaluate: (run) => evaluateStage(run, { predictions: path.resolve(io.cwd, opts.pred as string) }) }
      : coreStages;
  try {
    const outcome = await runPipeline(started.context, command, stages);
    const { runDir } = started.context;
    io.stdout(`results: ${runDir}\n`);
    if (outcome.metrics) io.stdout(`metrics: ${path.join(runDir, RunFiles.metrics)}\n`);
  } finally {
    await started.close();
  }
}
