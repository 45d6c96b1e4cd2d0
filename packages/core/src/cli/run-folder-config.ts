import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, type LoadedConfig } from '../config/load-config';
import { UsageError } from '../errors';
import { isRunConfig, RunFiles } from '../run/run-files';
import type { ConfigOptions } from './common-options';
import { kernelFor } from './kernel-for';
import type { CliIO } from './output';

/**
 * The config a command on an existing run folder works with (`tune`, `report`): the file passed with
 * `--config`, else the run's own saved `config.yaml`, trusted as a saved config (plugins by package
 * name only, docs/security.md). A `config.yaml` biaflow did not write (a person's own config in a
 * project folder) is not a run's: it is refused, never loaded as one.
 */
export async function runFolderConfig(runDir: string, opts: ConfigOptions, io: Pick<CliIO, 'cwd' | 'createKernel'>): Promise<LoadedConfig> {
  const { cwd } = io;
  const kernel = await kernelFor(io);
  if (opts.config) return loadConfig({ kernel, configFile: opts.config, sets: opts.set, cliPlugins: opts.plugin, cwd });
  const saved = path.join(runDir, RunFiles.config);
  const stat = fs.lstatSync(saved, { throwIfNoEntry: false });
  if (stat && !isRunConfig(saved)) {
    const why = stat.isSymbolicLink() ? 'is a symbolic link' : 'was not written by biaflow';
    throw new UsageError(`${runDir} holds no biaflow run: its ${RunFiles.config} ${why}`, 'give --out the folder of a run (biaflow run / train / predict --out RUN)');
  }
  return loadConfig({ kernel, configFile: saved, sets: opts.set, cliPlugins: opts.plugin, cwd, trust: 'saved', describe: `the run folder's saved config (${saved})` });
}
