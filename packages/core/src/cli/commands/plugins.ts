import { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { readConfigFile } from '../../config/read-config-file';
import { expandShortName, FIRST_PARTY_PLUGINS } from '../../kernel/first-party';
import { loadPlugin, resolvePlugin } from '../../kernel/load-plugins';
import { CORE_NAME, CORE_VERSION } from '../../version';
import type { CliIO } from '../output';

interface Row {
  name: string;
  version: string;
  core: string;
  description: string;
  source: string;
}

export function pluginsCommand(io: CliIO): Command {
  return new Command('plugins')
    .description('list the installed first-party plugins, and those a config loads, with their versions')
    .option('-c, --config <file>', 'also list the plugins this config loads')
    .action(async (opts: { config?: string }) => {
      const rows: Row[] = [];
      for (const short of FIRST_PARTY_PLUGINS) {
        const pkg = expandShortName(short);
        if (!resolvePlugin(short, io.cwd)) {
          rows.push({ name: pkg, version: '-', core: '-', description: `not installed (npm i ${pkg})`, source: '' });
          continue;
        }
        const { plugin } = await loadPlugin({ specifier: short, baseDir: io.cwd });
        rows.push({ name: plugin.name, version: plugin.version, core: plugin.core, description: plugin.description ?? '', source: pkg });
      }
      const file = opts.config ? await readConfigFile(opts.config, io.cwd) : undefined;
      if (file) {
        const { kernel } = await loadConfig({ configFile: file.filepath, cwd: io.cwd });
        for (const p of kernel.plugins) {
          if (rows.some((r) => r.name === p.name)) continue;
          rows.push({ name: p.name, version: p.version, core: p.core, description: '', source: p.source });
        }
      }
      io.stdout(`${CORE_NAME} ${CORE_VERSION}\n`);
      const width = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) {
        io.stdout(`  ${r.name.padEnd(width)}  ${r.version.padEnd(8)}  core ${r.core.padEnd(8)}  ${r.description}\n`);
      }
    });
}
