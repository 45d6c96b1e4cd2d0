import { Command, CommanderError } from 'commander';
import { CORE_VERSION } from '../kernel/version';
import { configCommand } from './commands/config';
import { contributedCommands } from './contributed-commands';
import { initCommand } from './commands/init';
import { pluginsCommand } from './commands/plugins';
import { runCommands } from './commands/run';
import { processIO, type CliIO } from './output';
import { reportError } from './report-error';

/**
 * The program with biaflow's own commands and, unless `argv` runs one of those, the commands of the
 * installed plugin packages (read from their manifests: a look through every installed package, which
 * a run of an own command does not need).
 */
function buildProgram(io: CliIO, argv?: readonly string[]): Command {
  const program = new Command('biaflow')
    .description('Deep-learning pipelines for bioimage analysis: train, predict, post-process and evaluate from a YAML config.')
    .version(CORE_VERSION, '-v, --version')
    .showSuggestionAfterError()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const own = [
    ...runCommands(io),
    configCommand(io),
    pluginsCommand(io),
    initCommand(io),
  ];
  const names = new Set(own.map((c) => c.name()));
  const contributed = argv?.[0] !== undefined && names.has(argv[0]) ? [] : contributedCommands(io, names);
  for (const cmd of [...own, ...contributed]) {
    program.addCommand(cmd);
  }
  // Every (sub)command reports usage errors through us instead of exiting the process.
  const override = (c: Command) => {
    c.exitOverride();
    c.configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

/** Run the CLI; resolves to the exit code (0 ok, 1 run failed, 2 bad usage or config). */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io, argv);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version print and exit 0; usage errors were already printed by commander.
      return e.exitCode === 0 ? 0 : 2;
    }
    return reportError(e, io);
  }
}
