import { Command, Option } from 'commander';
import { LOG_LEVELS, type LogLevel } from '../logging/logger';

export interface ConfigOptions {
  config?: string;
  set: string[];
}

export interface RunFolderCliOptions {
  out?: string;
  resume?: boolean;
  overwrite?: boolean;
  logLevel: LogLevel;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** --config and --set, on every command that reads a config. */
export function withConfigOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'config file (default: biaflow.config.yaml, .biaflowrc or package.json#biaflow, searched upwards)')
    .option('-s, --set <key=value>', 'override a config key; the value is YAML (repeatable), e.g. --set train.epochs=5', collect, []);
}

/** --out, --resume, --overwrite and --log-level, on every command that writes a run folder. */
export function withRunFolderOptions(cmd: Command): Command {
  return cmd
    .option('-o, --out <dir>', 'the run folder (created if missing; default runs/<timestamp>-<problem>)')
    .option('--resume', 'continue the earlier run in --out')
    .option('--overwrite', 'replace the earlier run in --out')
    .addOption(new Option('--log-level <level>', 'terminal log level (log.jsonl always gets debug and up)').choices(LOG_LEVELS).default('info'));
}
