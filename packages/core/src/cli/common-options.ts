import { Command, Option } from 'commander';
import { LOG_LEVELS, type LogLevel } from '../logging/logger';

export interface ConfigOptions {
  config?: string;
  set: string[];
  plugin: string[];
}

export interface RunFolderCliOptions {
  out?: string;
  resume?: boolean;
  overwrite?: boolean;
  logLevel: LogLevel;
  /** False with --no-progress: plain progress lines instead of bars. */
  progress: boolean;
  /** --json: one JSON object on stdout, nothing else. */
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** --config, --set and --plugin, on every command that reads a config. */
export function withConfigOptions(cmd: Command): Command {
  return cmd
    .option(
      '-c, --config <file>',
      'config file: YAML or JSON; a .js/.cjs/.ts config is code and runs only when passed here. Default: biaflow.config.yaml/.yml/.json, .biaflowrc[.yaml|.yml|.json] or package.json#biaflow, searched from the working folder up to the project root (the nearest folder holding package.json or .git; without one, the working folder only)',
    )
    .option('-s, --set <key=value>', 'override a config key; the value is YAML (repeatable), e.g. --set train.epochs=5', collect, [])
    .option(
      '-p, --plugin <path|package>',
      'load this plugin too (repeatable): the only way, besides --config, to run a plugin file by path; a model bundle or a run folder names plugins by package only',
      collect,
      [],
    );
}

/** --out, --resume, --overwrite, --log-level, --no-progress and --json, on every command that writes a run folder. */
export function withRunFolderOptions(cmd: Command): Command {
  return cmd
    .option('-o, --out <dir>', 'the run folder (created if missing; default runs/<timestamp>-<problem>)')
    .option('--resume', 'continue the earlier run in --out')
    .option('--overwrite', 'replace the outputs this command finds already in --out (train and run: the whole run)')
    .addOption(new Option('--log-level <level>', 'terminal log level (log.jsonl always gets debug and up)').choices(LOG_LEVELS).default('info'))
    .option('--no-progress', 'no progress bars: a plain progress line on stderr at most every 5 s (the default when stderr is not a terminal)')
    .option('--json', 'print only one JSON object on stdout: {"run": folder, "report": path (null when no report was written), "overall": figures of metrics.json}; logs stay on stderr');
}
