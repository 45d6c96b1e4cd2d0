import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { LoadedConfig } from '../config/load-config';
import type { TrainingEngine } from '../kernel/contributions/training-engine';
import type { RunCommand, RunContext } from '../kernel/run-context';
import { Tokens } from '../kernel/tokens';
import type { Logger, LogLevel } from '../logging/logger';
import { CORE_NAME, CORE_VERSION } from '../kernel/version';
import { writeFileAtomicSync } from '@biaflow/fs';
import { defaultRunDir, RunFiles, stageConfigFile, type RunFolder, type RunRequest } from './run-folder';
import type { RunLock } from '@biaflow/fs';
import { choosePostprocessVariant } from './postprocess-variants';
import { activateCompute } from './activate-compute';
import type { RunLog } from './run-log';
import { tidyRunFolder } from './tidy-run-folder';

interface StartRunOptions {
  command: RunCommand;
  loaded: LoadedConfig;
  /** The run folder; default `runs/<timestamp>-<problem>` in the working directory. */
  out?: string;
  resume?: boolean;
  overwrite?: boolean;
  logLevel?: LogLevel;
  cwd?: string;
  /** Aborted when the person asks the run to stop (the CLI's Ctrl-C): `RunContext.signal`. */
  signal?: AbortSignal;
}

export interface StartedRun {
  context: RunContext;
  /** Dispose the run's container, close its log and release its folder's lock. */
  close(): Promise<void>;
}


/** The top-level run-folder entries of the workflow's declared tables (`objects.csv`; `predictions` for `predictions/predictions.csv`). */
function tableEntries(kernel: RunContext['kernel'], workflow: string): string[] {
  return (kernel.workflows.get(workflow)?.tables ?? []).map((t) => path.normalize(t.file).split(path.sep)[0]).filter((name) => name && name !== '..');
}

/**
 * When another process takes the run folder's lock (from another machine, or a person replacing the file: docs/security.md),
 * say so at once, and stop the run at its next safe point rather than let it write on.
 */
function stopWhenLost(lock: RunLock, stop: AbortController, logger: Logger): void {
  const onLost = () => {
    const reason = lock.lost.reason as Error;
    logger.error({ event: 'lock-lost', lock: lock.file }, `${reason.message}: stopping at the next safe point`);
    stop.abort(reason);
  };
  if (lock.lost.aborted) onLost();
  else lock.lost.addEventListener('abort', onLost, { once: true });
}

/**
 * Create the run's container, which makes its folder ready (locked) and opens its log; activate the
 * backend, and write the resolved config. Every run logs the config, the versions of core, plugins
 * and tfjs, and the backend.
 */
export async function startRun(options: StartRunOptions): Promise<StartedRun> {
  const { loaded, command } = options;
  const { config, kernel } = loaded;
  const cwd = options.cwd ?? process.cwd();
  const container = kernel.runContainer(config).register<RunRequest>(Tokens.RunRequest, {
    useValue: {
      dir: options.out ? path.resolve(cwd, options.out) : defaultRunDir(config.problem.type, cwd),
      resume: options.resume,
      overwrite: options.overwrite,
      command,
      extraEntries: tableEntries(kernel, config.problem.type),
      logLevel: options.logLevel,
    },
  });
  const { dir: runDir, lock, earlier, tookOver } = container.resolve<RunFolder>(Tokens.RunFolder);
  // The run's signal: the person's stop (options.signal), or the lock taken by another process.
  const stop = new AbortController();
  const forward = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  else options.signal?.addEventListener('abort', forward, { once: true });
  let log: RunLog | undefined;
  try {
    // The run's own log is opened even when a plugin provides the logger: log.jsonl marks a run folder.
    log = container.resolve<RunLog>(Tokens.RunLog);
    const logger = container.resolve<Logger>(Tokens.Logger);
    if (tookOver) logger.warn({ event: 'lock-taken-over', reason: tookOver, lock: lock.file }, `took over the run folder's lock: ${tookOver}`);
    stopWhenLost(lock, stop, logger);
    // A re-used run folder may hold what a killed or failed run left (see run/tidy-run-folder.ts).
    const reusing = options.resume || command === 'postprocess';
    if (reusing || options.overwrite) {
      const trainer = kernel.resolveAll<TrainingEngine>(Tokens.TrainingEngine).pop();
      const restoreCheckpoints = trainer?.restoreCheckpoints?.bind(trainer);
      for (const action of await tidyRunFolder(runDir, { restore: Boolean(reusing), restoreCheckpoints })) logger.warn({ event: 'tidy' }, action);
    }
    // A command adding its stage to an earlier run keeps the run's config.yaml and writes its own beside it.
    const addsStage = earlier && !options.resume && (command === 'predict' || command === 'evaluate' || command === 'postprocess');
    // Post-processing again with other settings writes a variant beside the first result.
    let resultsDir: string | undefined;
    if (command === 'postprocess') {
      // --resume continues (writes again) the interrupted result of the same settings.
      const variant = choosePostprocessVariant(runDir, config, kernel, Boolean(options.overwrite || options.resume), Boolean(options.resume && !options.overwrite));
      if (variant.name !== 'top') resultsDir = variant.dir;
      if (variant.name !== 'top') logger.info({ event: 'postprocess-variant', variant: variant.name, dir: variant.dir }, `post-processing variant ${variant.name} in ${variant.dir}`);
    }
    const backend = await activateCompute(kernel, config, logger);
    const configName =
      addsStage && !resultsDir && fs.existsSync(path.join(runDir, RunFiles.config)) ? stageConfigFile(command) : RunFiles.config;
    writeFileAtomicSync(
      path.join(resultsDir ?? runDir, configName),
      `# resolved by ${CORE_NAME} ${CORE_VERSION}${loaded.configPath ? ` from ${loaded.configPath}` : ''}\n${YAML.stringify(config)}`,
    );
    const context: RunContext = {
      command,
      kernel,
      config,
      workflow: kernel.workflow(config.problem.type),
      configPath: loaded.configPath,
      logger,
      runDir,
      resultsDir,
      resume: Boolean(options.resume),
      tf: backend.tf,
      backend: backend.name,
      backendReason: backend.reason,
      threads: backend.threads,
      computeVersions: backend.versions,
      container,
      signal: stop.signal,
    };
    const handle = log;
    return {
      context,
      async close() {
        try {
          await container.dispose();
          handle.close();
        } finally {
          options.signal?.removeEventListener('abort', forward);
          lock.release();
        }
      },
    };
  } catch (e) {
    options.signal?.removeEventListener('abort', forward);
    log?.close();
    lock.release();
    throw e;
  }
}
