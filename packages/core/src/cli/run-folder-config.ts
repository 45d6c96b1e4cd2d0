import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load-config';
import { RunFiles } from '../run/run-folder';
import type { ConfigOptions } from './common-options';
import { kernelFor } from './kernel-for';
import type { CliIO } from './output';

/**
 * The config a command on an existing run folder works with (`tune`, `report`): the file passed with
 * `--config`, else the run's own saved `config.yaml`, trusted as a saved config (plugins by package
 * name only, docs/security.md).
 */
export async function runFolderConfig(runDir: string, opts: ConfigOptions, io: Pick<CliIO, 'cwd' | 'createKernel'>): Promise<LoadedConfig> {
  const { cwd } = io;
  const kernel = await kernelFor(io);
  if (opts.config) return loadConfig({ kernel, configFile: opts.config, sets: opts.set, cliPlugins: opts.plugin, cwd });
  const saved = path.join(runDir, RunFiles.config);
  return loadConfig({ kernel, configFile: saved, sets: opts.set, cliPlugins: opts.plugin, cwd, trust: 'saved', describe: `the run folder's saved config (${saved})` });
}
