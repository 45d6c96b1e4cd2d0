import fs from 'node:fs';
import { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { readConfigFile } from '../../config/read-config-file';
import { expandShortName, FIRST_PARTY_PLUGINS } from '../../kernel/first-party';
import { installedPluginPackages, type PluginManifest } from '../../plugins/manifest';
import { installedModels } from '../../plugins/model-names';
import { CORE_NAME, CORE_VERSION } from '../../kernel/version';
import { UsageError } from '../../errors';
import { kernelFor } from '../kernel-for';
import { checkPluginManifests } from '../plugin-check';
import type { CliIO } from '../output';

/** One line per kind of contribution a manifest declares. */
function contributionLines(m: PluginManifest): string[] {
  const lines: string[] = [];
  if (m.workflows?.length) lines.push(`workflows: ${m.workflows.map((w) => `${w.name} (${w.output})`).join(', ')}`);
  if (m.steps?.length) lines.push(`post-processing steps: ${m.steps.join(', ')}`);
  if (m.sections?.length) lines.push(`config keys: ${m.sections.join(', ')}`);
  if (m.readers?.length) lines.push(`image readers: ${m.readers.map((r) => `${r.name} (${r.extensions.join(' ')})`).join(', ')}`);
  if (m.writers?.length) lines.push(`image writers: ${m.writers.map((r) => `${r.name} (${r.extensions.join(' ')})`).join(', ')}`);
  if (m.points?.length) lines.push(`point formats: ${m.points.map((r) => `${r.name} (${r.extensions.join(' ')})`).join(', ')}`);
  if (m.outputs?.length) lines.push(`output kinds: ${m.outputs.map((o) => o.name).join(', ')}`);
  if (m.networks?.length) lines.push(`networks: ${m.networks.join(', ')}`);
  if (m.trainers?.length) lines.push(`training engines: ${m.trainers.join(', ')}`);
  if (m.backends?.length) lines.push(`compute backends: ${m.backends.join(', ')}`);
  if (m.engines?.length) lines.push(`inference engines: ${m.engines.join(', ')}`);
  if (m.formats?.length) lines.push(`model formats: ${m.formats.map((f) => f.name).join(', ')}`);
  if (m.commands?.length) lines.push(`commands: ${m.commands.map((c) => c.name).join(', ')}`);
  return lines;
}

/**
 * `biaflow plugins`: the plugin packages installed (where the working folder resolves packages, and
 * beside core) with their versions and what each contributes, read from their manifests — no plugin
 * code runs. First-party plugins that are not installed are listed with the command that installs
 * them. With `--config`, also the plugins that config loads (their code runs to load them). With
 * `--check`, each package's manifest is checked against its code (`checkPluginManifests`).
 */
export function pluginsCommand(io: CliIO): Command {
  return new Command('plugins')
    .description('list the installed plugins and what they contribute, and the installed models (read from their manifests, no plugin code runs)')
    .option('-c, --config <file>', 'also list the plugins this config loads (this loads them)')
    .option(
      '--check [packages...]',
      'for plugin authors: load each installed plugin package (or each named: a package, or a package folder such as .), apply it to a new kernel and compare its manifest with what it registers; exit 1 when any differs',
    )
    .action(async (opts: { config?: string; check?: true | string[] }) => {
      if (opts.check) {
        if (opts.config) throw new UsageError('--check and --config do not go together', 'run biaflow plugins --check, then biaflow plugins --config FILE');
        await checkPluginManifests(opts.check === true ? undefined : opts.check, io);
        return;
      }
      const installed = installedPluginPackages(io.cwd);
      io.stdout(`${CORE_NAME} ${CORE_VERSION}\n`);
      const width = Math.max(30, ...installed.map((p) => p.name.length));
      for (const p of installed) {
        io.stdout(`  ${p.name.padEnd(width)}  ${p.version.padEnd(8)}  core ${(p.core ?? '-').padEnd(8)}  ${p.description}\n`);
        for (const line of contributionLines(p.manifest)) io.stdout(`  ${''.padEnd(width)}    ${line}\n`);
      }
      for (const short of FIRST_PARTY_PLUGINS) {
        const pkg = expandShortName(short);
        if (!installed.some((p) => p.name === pkg)) io.stdout(`  ${pkg.padEnd(width)}  ${'-'.padEnd(8)}  not installed (npm i ${pkg})\n`);
      }
      const models = installedModels(io.cwd);
      if (models.length) {
        io.stdout('models (predict --model NAME, model.load: NAME):\n');
        const w = Math.max(12, ...models.map((m) => m.name.length));
        for (const m of models) io.stdout(`  ${m.name.padEnd(w)}  ${m.package}@${m.version}  ${m.description}${fs.existsSync(m.dir) ? '' : ` (not found: ${m.dir})`}\n`);
      }
      const file = opts.config ? await readConfigFile(opts.config, io.cwd) : undefined;
      if (file) {
        const { kernel } = await loadConfig({ kernel: await kernelFor(io), configFile: file.filepath, cwd: io.cwd });
        io.stdout(`loaded by ${file.filepath}:\n`);
        for (const p of kernel.plugins) io.stdout(`  ${p.name.padEnd(width)}  ${p.version.padEnd(8)}  core ${p.core.padEnd(8)}  from ${p.source}\n`);
      }
    });
}
