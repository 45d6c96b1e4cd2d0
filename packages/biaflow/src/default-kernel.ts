import { createKernel as createCoreKernel, type DependencyContainer, type Kernel } from '@biaflow/core';
import { dataPlugin } from '@biaflow/data';
import { engineTfjsPlugin } from '@biaflow/engine-tfjs';
import { ioPlugin } from '@biaflow/io';
import { reportPlugin } from '@biaflow/report';
import { tunePlugin } from '@biaflow/tune';
import { terminalPlugin } from './terminal/terminal-plugin';

/**
 * The plugins every biaflow run has, whatever its config lists: image and point files, and TensorFlow.js
 * (what computes, the networks, the training loop, the `tfjs` inference engine), the run's report, and the
 * distribution's own (`biaflow`: the command's progress on the terminal). Workflows, post-processing steps,
 * other engines and model formats load from the config, by their manifests.
 */
export const DEFAULT_PLUGINS = [ioPlugin, dataPlugin, engineTfjsPlugin, tunePlugin, reportPlugin, terminalPlugin] as const;

/** A kernel with core's own behaviour and biaflow's default plugins applied, ready for a config's plugins. */
export async function createKernel(parent?: DependencyContainer): Promise<Kernel> {
  const kernel = await createCoreKernel(parent);
  for (const plugin of DEFAULT_PLUGINS) await kernel.useDefault(plugin, plugin.name);
  return kernel;
}
