import type { Kernel } from '../kernel/kernel';
import { loadPlugin, resolvePlugin } from './load-plugins';
import { installedPluginPackages } from './manifest';

/**
 * Apply to `kernel` the installed packages whose manifest declares a model format and that are not
 * loaded yet: packages of the person's project (the node_modules chain of `cwd`) and first-party
 * packages beside core, as for a saved config (docs/security.md). A model names no plugin to load;
 * the format that reads it comes from what the person installed. Returns how many were applied.
 */
export async function useInstalledModelFormats(kernel: Kernel, cwd: string): Promise<number> {
  let applied = 0;
  for (const pkg of installedPluginPackages(cwd, 'saved')) {
    if (!pkg.manifest.formats?.length || kernel.allPlugins.some((p) => p.name === pkg.name)) continue;
    const request = { specifier: pkg.name, baseDir: cwd, origin: 'saved', where: 'the installed model formats' } as const;
    if (!resolvePlugin(request)) continue;
    const { plugin, source } = await loadPlugin(request);
    if (kernel.allPlugins.some((p) => p.name === plugin.name)) continue;
    await kernel.use(plugin, source);
    applied++;
  }
  return applied;
}
