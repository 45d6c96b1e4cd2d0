import { Command, CommanderError } from 'commander';
import { UsageError } from '../errors';
import { loadPlugin } from '../plugins/load-plugins';
import { installedPluginPackages, type PluginPackage } from '../plugins/manifest';
import { kernelFor } from './kernel-for';
import type { CliIO } from './output';

/**
 * Commands plugins contribute (`kernel.registerCommand`), listed from the manifests of the installed
 * plugin packages so `biaflow --help` shows them without loading any plugin. Running one loads its
 * plugin, which registers the command's options and action; the arguments are parsed then.
 */
export function contributedCommands(io: CliIO, taken: ReadonlySet<string>): Command[] {
  let packages: PluginPackage[];
  try {
    packages = installedPluginPackages(io.cwd);
  } catch {
    return [];
  }
  const commands: Command[] = [];
  for (const pkg of packages) {
    for (const c of pkg.manifest.commands ?? []) {
      if (taken.has(c.name) || commands.some((x) => x.name() === c.name)) continue;
      commands.push(
        new Command(c.name)
          .description(`${c.description} (from ${pkg.name})`)
          .helpOption(false)
          .allowUnknownOption()
          .allowExcessArguments()
          .argument('[args...]')
          .action(async (_args: string[], _opts: unknown, self: Command) => runContributed(pkg, c.name, self.args, io)),
      );
    }
  }
  return commands;
}

async function runContributed(pkg: PluginPackage, name: string, argv: string[], io: CliIO): Promise<void> {
  const kernel = await kernelFor(io);
  // The distribution may apply the package to every kernel already (the run's report, its data pipeline).
  if (!kernel.allPlugins.some((p) => p.name === pkg.name)) {
    const { plugin, source } = await loadPlugin({ specifier: pkg.name, baseDir: io.cwd });
    await kernel.use(plugin, source);
  }
  const contribution = kernel.commands.get(name);
  if (!contribution) throw new UsageError(`${pkg.name} lists the command "${name}" in its manifest but its plugin does not register it`, `reinstall ${pkg.name}, or report it to its authors`);
  // Commander's own error line is left out: the UsageError below is reported once, as core's commands report theirs.
  const command = new Command(name).description(contribution.description).exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} });
  new Command('biaflow').addCommand(command); // its help reads "Usage: biaflow <name>", as core's commands'
  contribution.define?.(command);
  command.action(async (...received: unknown[]) => {
    const self = received[received.length - 1] as Command;
    await contribution.run(self.args, self.opts(), io);
  });
  try {
    await command.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return;
      throw new UsageError(e.message.replace(/^error: /, ''));
    }
    throw e;
  }
}
