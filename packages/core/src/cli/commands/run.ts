import path from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { UsageError } from '../../errors';
import type { RunCommand } from '../../kernel/run-context';
import { coreStages } from '../../run/core-stages';
import { runPipeline } from '../../run/pipeline';
import { RunFiles } from '../../run/run-folder';
import { startRun } from '../../run/start-run';
import { withConfigOptions, withRunFolderOptions, type ConfigOptions, type RunFolderCliOptions } from '../common-options';
import type { CliIO } from '../output';

type RunOptions = ConfigOptions & RunFolderCliOptions;

const DESCRIPTIONS: Record<Exclude<RunCommand, 'augment-preview'>, string> = {
  run: 'train, predict, post-process and evaluate, as the config says',
  train: 'train a model (resumable with --resume --out RUN_DIR)',
  predict: 'predict the test images with a trained model',
  postprocess: 're-run post-processing and evaluation on the probability maps saved in a run folder',
  evaluate: 'score predictions against ground truth',
};

/** Commands that execute a run in a run folder. */
export function runCommands(io: CliIO): Command[] {
  return (Object.keys(DESCRIPTIONS) as (keyof typeof DESCRIPTIONS)[]).map((name) => {
    const cmd = withRunFolderOptions(withConfigOptions(new Command(name).description(DESCRIPTIONS[name])));
    return cmd.action((opts: RunOptions) => execute(name, opts, io));
  });
}

async function execute(command: RunCommand, opts: RunOptions, io: CliIO): Promise<void> {
  // Re-using a run folder: post-processing always works in an existing run; a resumed run
  // without --config continues with the config it started with.
  const reuse = command === 'postprocess' || Boolean(opts.resume);
  if (reuse && !opts.out) throw new UsageError(`${command === 'postprocess' ? 'postprocess' : '--resume'} needs --out RUN_DIR`);
  const configFile = opts.config ?? (reuse ? path.join(path.resolve(io.cwd, opts.out as string), RunFiles.config) : undefined);
  const loaded = await loadConfig({ configFile, sets: opts.set, cwd: io.cwd });
  const started = await startRun({
    command,
    loaded,
    out: opts.out,
    resume: reuse,
    overwrite: opts.overwrite,
    logLevel: opts.logLevel,
    cwd: io.cwd,
  });
  try {
    const outcome = await runPipeline(started.context, command, coreStages);
    const { runDir } = started.context;
    io.stdout(`results: ${runDir}\n`);
    if (outcome.metrics) io.stdout(`metrics: ${path.join(runDir, RunFiles.metrics)}\n`);
  } finally {
    await started.close();
  }
}
