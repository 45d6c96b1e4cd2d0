import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { starterConfig } from '../../config/starter-configs';
import { didYouMean } from '../../suggest';
import { UsageError } from '../../errors';
import { FIRST_PARTY_WORKFLOWS } from '../../kernel/first-party';
import { installedNames, useInstalledContributor } from '../../plugins/installed-contributors';
import { loadPlugin } from '../../plugins/load-plugins';
import { writeFileAtomic } from '@biaflow/fs';
import type { CliIO } from '../output';
import { kernelFor } from '../kernel-for';

export function initCommand(io: CliIO): Command {
  return new Command('init')
    .description('write a commented starter config for a workflow (any installed one, found by its package\'s manifest; `biaflow plugins` lists them)')
    .argument('<workflow>', 'the workflow (`biaflow plugins` lists the installed ones)')
    .option('-o, --out <file>', 'write it to this file (default: print it)')
    .option('-p, --plugin <name>', 'load this plugin first (a package, or a path): a workflow in a file, or the one of two installed packages declaring the same workflow')
    .option('--force', 'replace an existing file')
    .action(async (name: string, opts: { out?: string; force?: boolean; plugin?: string }) => {
      const kernel = await kernelFor(io);
      if (opts.plugin) {
        const { plugin, source } = await loadPlugin({ specifier: opts.plugin, baseDir: io.cwd, where: '--plugin' });
        if (!kernel.allPlugins.some((p) => p.name === plugin.name)) await kernel.use(plugin, source);
      }
      // The package declaring the workflow is found by its manifest, as a config's problem.type finds it.
      if (!kernel.workflows.has(name)) {
        await useInstalledContributor(kernel, 'workflows', name, {
          from: [io.cwd],
          origin: 'chosen',
          where: `biaflow init ${name}`,
          choose: (names) => `pass the one to use with --plugin (biaflow init ${name} --plugin ${names[0]}); the starter config then lists it under plugins:`,
        });
      }
      const workflow = kernel.workflows.get(name);
      if (!workflow) {
        const declared = installedNames('workflows', { from: [io.cwd], origin: 'chosen' });
        const installed = [...new Set([...kernel.workflows.keys(), ...declared])].sort();
        const pkg = FIRST_PARTY_WORKFLOWS[name];
        throw new UsageError(
          `unknown workflow "${name}"${didYouMean(name, installed)}; installed workflows: ${installed.join(', ') || 'none'}`,
          pkg ? `install it with \`npm i ${pkg}\`` : 'install the package that provides it (it is found by its package.json manifest), or pass a plugin file with --plugin <path>',
        );
      }
      // A plugin given with --plugin is the person's choice: the config lists it so it loads again (and wins over another package declaring the workflow).
      const text = starterConfig(workflow, opts.plugin ? [opts.plugin] : []);
      if (!opts.out) {
        io.stdout(text);
        return;
      }
      const target = path.resolve(io.cwd, opts.out);
      if (fs.existsSync(target) && !opts.force) throw new UsageError(`${target} already exists`, 'pass --force to replace it');
      await writeFileAtomic(target, text);
      io.stdout(`wrote ${target}\n`);
    });
}
