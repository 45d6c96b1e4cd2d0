import type { BundleMeta } from '../kernel/contributions/model-bundle';
import { isBundle, readBundleMeta } from './bundle-files';
import { useInstalledModelFormats } from '../plugins/installed-formats';
import { isPathSpecifier, loadPlugin } from '../plugins/load-plugins';
import type { Kernel } from '../kernel/kernel';
import type { BiaflowPlugin } from '../kernel/plugin';
import { readModel } from './read-model';

interface ModelForConfig {
  /** What the model says about itself, in bundle form (its config, workflow, plugins…). */
  meta: BundleMeta;
  /** The package whose model format read it (for the run's plugins), when it is not a biaflow bundle. */
  formatPlugin?: string;
  /** Where the format says the model's settings come from, for messages (`config.biaflow of pkg/bioimageio.yaml`). */
  settingsFrom?: string;
}

/**
 * What a model says about itself, read before its run's config exists (the config is built from
 * it): a biaflow bundle's `biaflow.json`, or what a model format reads. Formats come from the
 * installed packages whose manifest declares one — packages of the person's project (the working
 * folder's node_modules chain) and first-party packages beside core, as for a saved config
 * (docs/security.md) — and from the plugins the person gave (`--plugin`, code). Nothing the model
 * ships runs.
 */
export async function readModelForConfig(
  target: string,
  options: { cwd: string; cliPlugins?: readonly string[]; plugins?: readonly BiaflowPlugin[]; createKernel: () => Promise<Kernel>; maxMegavoxels?: number },
): Promise<ModelForConfig> {
  if (isBundle(target)) return { meta: await readBundleMeta(target) };
  const kernel = await options.createKernel();
  try {
    for (const plugin of options.plugins ?? []) await kernel.use(plugin);
    for (const specifier of options.cliPlugins ?? []) {
      const { plugin, source } = await loadPlugin({ specifier, baseDir: options.cwd, origin: 'chosen', where: '--plugin' });
      if (!kernel.allPlugins.some((p) => p.name === plugin.name)) await kernel.use(plugin, source);
    }
    await useInstalledModelFormats(kernel, options.cwd);
    const read = await readModel(target, kernel, { cwd: options.cwd, maxMegavoxels: options.maxMegavoxels });
    await read.source.dispose?.();
    const loaded = kernel.allPlugins.find((p) => p.name === read.format?.plugin);
    const formatPlugin = loaded && loaded.source !== 'inline' && !isPathSpecifier(loaded.source) ? loaded.source : undefined;
    return { meta: read.source.meta, formatPlugin, settingsFrom: read.source.kind === 'network' ? read.source.settingsFrom : undefined };
  } finally {
    await kernel.container.dispose();
  }
}
