import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { starterConfig } from '../../config/starter-configs';
import { didYouMean } from '../../suggest';
import { UsageError } from '../../errors';
import { FIRST_PARTY_WORKFLOWS } from '../../kernel/first-party';
import { loadPlugin } from '../../plugins/load-plugins';
import { writeFileAtomic } from '@biaflow/fs';
import type { CliIO } from '../output';
import { kernelWithFirstPartyPlugins } from './config';

export function initCommand(io: CliIO): Command {
  return new Command('init')
    .description('write a commented starter config for a workflow (any installed one; `biaflow plugins` lists them)')
    .argument('<workflow>', 'the workflow (`biaflow plugins` lists the installed ones)')
    .option('-o, --out <file>', 'write it to this file (default: print it)')
    .option('-p, --plugin <name>', 'load this plugin first (a package, or a path), for a workflow that is not first-party')
    .option('--force', 'replace an existing file')
    .action(async (name: string, opts: { out?: string; force?: boolean; plugin?: string }) => {
      const kernel = await kernelWithFirstPartyPlugins(io);
      if (opts.plugin) {
        const { plugin, source } = await loadPlugin({ specifier: opts.plugin, baseDir: io.cwd });
        if (!kernel.allPlugins.some((p) => p.name === plugin.name)) await kernel.use(plugin, source);
      }
      const workflow = kernel.workflows.get(name);
      if (!workflow) {
        const installed = [...kernel.workflows.keys()];
        const pkg = FIRST_PARTY_WORKFLOWS[name];
        throw new UsageError(
          `unknown workflow "${name}"${didYouMean(name, installed)}; installed workflows: ${installed.join(', ') || 'none'}`,
          pkg ? `install it with \`npm i ${pkg}\`` : 'a workflow of another package: pass --plugin <package>',
        );
      }
      // A workflow that is not first-party loads from the config's plugins: list.
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
