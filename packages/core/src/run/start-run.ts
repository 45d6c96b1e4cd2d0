import path from 'node:path';
import YAML from 'yaml';
import { selectBackend } from '../backend/select-backend';
import type { LoadedConfig } from '../config/load-config';
import type { RunCommand, RunContext, Tf } from '../kernel/run-context';
import { Tokens } from '../kernel/tokens';
import { createLogger, type LogLevel } from '../logging/logger';
import { CORE_NAME, CORE_VERSION } from '../version';
import { writeFileAtomicSync } from './atomic-write';
import { defaultRunDir, prepareRunFolder, RunFiles } from './run-folder';

export interface StartRunOptions {
  command: RunCommand;
  loaded: LoadedConfig;
  /** The run folder; default `runs/<timestamp>-<problem>` in the working directory. */
  out?: string;
  resume?: boolean;
  overwrite?: boolean;
  logLevel?: LogLevel;
  cwd?: string;
}

export interface StartedRun {
  context: RunContext;
  /** Flush logs and dispose the run's container. */
  close(): Promise<void>;
}

/** The single tfjs instance every package uses (a peer dependency, hoisted once). */
export function loadTf(): Tf {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@tensorflow/tfjs') as Tf;
}

/** Make a run's context, config, logger, folder and tf injectable from its kernel's container. */
export function provideRunContext(context: RunContext): void {
  const c = context.container;
  c.register(Tokens.RunContext, { useValue: context });
  c.register(Tokens.Config, { useValue: context.config });
  c.register(Tokens.Logger, { useValue: context.logger });
  c.register(Tokens.RunDir, { useValue: context.runDir });
  c.register(Tokens.Tf, { useValue: context.tf });
}

/**
 * Create the run folder, its logger and DI container, activate the backend, and write the
 * resolved config. Every run logs the config, the versions of core, plugins and tfjs, and the backend.
 */
export async function startRun(options: StartRunOptions): Promise<StartedRun> {
  const { loaded, command } = options;
  const { config, kernel } = loaded;
  const cwd = options.cwd ?? process.cwd();
  const runDir = prepareRunFolder(options.out ? path.resolve(cwd, options.out) : defaultRunDir(config.problem.type, cwd), {
    resume: options.resume,
    overwrite: options.overwrite,
  });
  const log = createLogger({ level: options.logLevel ?? 'info', file: path.join(runDir, RunFiles.log) });
  const logger = log.logger;
  try {
    const tf = loadTf();
    const backend = await selectBackend(tf, config.system.backend, logger, { threads: config.system.threads });
    writeFileAtomicSync(
      path.join(runDir, RunFiles.config),
      `# resolved by ${CORE_NAME} ${CORE_VERSION}${loaded.configPath ? ` from ${loaded.configPath}` : ''}\n${YAML.stringify(config)}`,
    );
    const context: RunContext = {
      command,
      kernel,
      config,
      configPath: loaded.configPath,
      logger,
      runDir,
      resume: Boolean(options.resume),
      tf,
      backend: backend.name,
      container: kernel.container,
    };
    provideRunContext(context);

    logger.info(
      {
        event: 'run-start',
        command,
        runDir,
        resume: context.resume,
        versions: {
          [CORE_NAME]: CORE_VERSION,
          ...Object.fromEntries(kernel.plugins.map((p) => [p.name, p.version])),
          '@tensorflow/tfjs': tf.version.tfjs,
          node: process.version,
        },
      },
      `${command} in ${runDir}`,
    );
    logger.info(
      { event: 'backend', backend: backend.name, choice: backend.choice, reason: backend.reason, threads: backend.threads },
      `backend ${backend.name}${backend.threads ? `, ${backend.threads} thread(s)` : ''} (${backend.reason})`,
    );
    logger.debug({ event: 'config', config }, 'resolved config');
    return {
      context,
      async close() {
        await kernel.container.dispose();
        log.close();
      },
    };
  } catch (e) {
    log.close();
    throw e;
  }
}
