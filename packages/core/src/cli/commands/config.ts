import path from 'node:path';
import { Command } from 'commander';
import YAML from 'yaml';
import { loadConfig } from '../../config/load-config';
import { configReference, pluginConfigReference } from '../../config/docs';
import { checkWorkflowConfig } from '../../config/validate';
import { checkPostprocessChain } from '../../config/postprocess-chain';
import { planPostprocess } from '../../config/postprocess-plan';
import { checkBeforeWork } from '../../run/check-before-work';
import { planStages } from '../../run/pipeline';
import type { Kernel } from '../../kernel/kernel';
import { FIRST_PARTY_EXTRAS, FIRST_PARTY_PLUGINS } from '../../kernel/first-party';
import { loadPlugin, resolvePlugin } from '../../plugins/load-plugins';
import { writeFileAtomic } from '@biaflow/fs';
import { withConfigOptions, type ConfigOptions } from '../common-options';
import { kernelFor } from '../kernel-for';
import type { CliIO } from '../output';

export function configCommand(io: CliIO): Command {
  const cmd = new Command('config').description('check, print or document configs');

  withConfigOptions(cmd.command('validate').description('validate a config and report every problem found without training (exit 2 when invalid): keys, the network against the patch size, the data folders and every image\'s header (dimensionality, channels), the post-processing steps (each gets what it takes, the last gives what the workflow writes), the workflow\'s own checks')).action(
    async (opts: ConfigOptions) => {
      const { config, configPath, kernel } = await loadConfig({ kernel: await kernelFor(io), configFile: opts.config, sets: opts.set, cliPlugins: opts.plugin, cwd: io.cwd });
      checkWorkflowConfig(config, kernel, config.train.enabled, configPath);
      // What a run would read, checked from the files' headers (no training, no pixel decoded).
      checkBeforeWork(config, kernel, planStages('run', { config, workflow: kernel.workflow(config.problem.type) }), configPath);
      // The list was checked when the config loaded; what declares nothing could not be: say so.
      const { plan } = planPostprocess(config.postprocess, kernel, config.problem.type);
      for (const w of checkPostprocessChain(plan, kernel, config.problem.type).warnings) io.stderr(`warning: ${w}\n`);
      const plugins = kernel.plugins.map((p) => `${p.name}@${p.version}`).join(', ') || 'none';
      io.stdout(
        `config OK: ${configPath ?? 'inline'}\n  problem: ${config.problem.type}, ${config.problem.ndim}D\n  plugins: ${plugins}\n`,
      );
    },
  );

  withConfigOptions(cmd.command('print').description('print the resolved config (defaults filled in, paths absolute)')).action(
    async (opts: ConfigOptions) => {
      const { config } = await loadConfig({ kernel: await kernelFor(io), configFile: opts.config, sets: opts.set, cliPlugins: opts.plugin, cwd: io.cwd });
      io.stdout(YAML.stringify(config));
    },
  );

  cmd
    .command('docs')
    .description("write the configuration reference (docs/config.md) for core and the installed first-party plugins; with --plugin, a plugin's own reference")
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('-p, --plugin <name>', 'document what this plugin adds instead (its workflows, sections, keys and post-processing methods): an installed package, or a path')
    .action(async (opts: { out?: string; plugin?: string }) => {
      const text = opts.plugin ? await pluginReference(opts.plugin, io) : configReference(await kernelWithFirstPartyPlugins(io));
      if (opts.out) await writeFileAtomic(path.resolve(io.cwd, opts.out), text);
      else io.stdout(text);
    });
  return cmd;
}

/** The reference of one plugin, applied to a new kernel (a distribution's default plugin is already applied there). */
async function pluginReference(specifier: string, io: Pick<CliIO, 'cwd' | 'createKernel'>): Promise<string> {
  const kernel = await kernelFor(io);
  const { plugin, source } = await loadPlugin({ specifier, baseDir: io.cwd, where: '--plugin' });
  if (!kernel.allPlugins.some((p) => p.name === plugin.name)) await kernel.use(plugin, source);
  return pluginConfigReference(kernel, plugin);
}

/** A kernel with every installed first-party plugin applied (for docs and `biaflow plugins`). */
export async function kernelWithFirstPartyPlugins(io: Pick<CliIO, 'cwd' | 'createKernel'>): Promise<Kernel> {
  const { cwd } = io;
  const kernel = await kernelFor(io);
  for (const short of [...FIRST_PARTY_PLUGINS, ...FIRST_PARTY_EXTRAS]) {
    if (!resolvePlugin({ specifier: short, baseDir: cwd })) continue;
    const { plugin, source } = await loadPlugin({ specifier: short, baseDir: cwd });
    await kernel.use(plugin, source);
  }
  return kernel;
}
