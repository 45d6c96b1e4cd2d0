import type { Kernel } from '../kernel/kernel';
import { registeredContributions, type PluginManifest, type PluginPackage } from './manifest';

/** One way a package's manifest and what its `apply()` registered disagree. */
export interface ManifestDifference {
  /** The manifest list (`workflows`, `steps`, …), or `plugin` for the plugin's name and version against the package's. */
  key: keyof PluginManifest | 'plugin';
  /** The contribution's name. */
  name: string;
  /** `missing`: registered, not in the manifest; `unregistered`: in the manifest, not registered; `differs`: both, with other details. */
  kind: 'missing' | 'unregistered' | 'differs';
  /** The difference in words, for `biaflow plugins --check` and test failures. */
  text: string;
}

const nameOf = (entry: unknown): string =>
  typeof entry === 'string' ? entry : entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string' ? (entry as { name: string }).name : JSON.stringify(entry);

/**
 * What differs between the manifest of `pkg` (its package.json `biaflow`, which biaflow reads to list
 * contributions, find a workflow's or a step's package and show contributed commands without running
 * code) and what the plugin registered in `kernel` (`registeredContributions`; the package is applied
 * there), and the plugin's name and version against the package's. Empty when they agree. The order of a list does not matter; for a named entry (a workflow,
 * a reader…) every detail the kernel knows (output, extensions, description) must match too.
 */
export function manifestDrift(pkg: Pick<PluginPackage, 'name' | 'version' | 'manifest'>, kernel: Kernel): ManifestDifference[] {
  const registered = registeredContributions(kernel, pkg.name);
  const out: ManifestDifference[] = [];
  // Contributions are found by the package's name: the plugin must carry it (and its version, which bundles record).
  const applied = kernel.allPlugins.find((p) => p.name === pkg.name);
  if (!applied) {
    const others = kernel.allPlugins.map((p) => p.name).join(', ') || 'none';
    out.push({ key: 'plugin', name: pkg.name, kind: 'unregistered', text: `plugin: no plugin named "${pkg.name}" (the package's name) is applied; applied: ${others}` });
  } else if (applied.version !== pkg.version) {
    out.push({ key: 'plugin', name: pkg.name, kind: 'differs', text: `plugin: version ${JSON.stringify(pkg.version)} in package.json, but the plugin says ${JSON.stringify(applied.version)}` });
  }
  for (const key of Object.keys(registered) as (keyof typeof registered)[]) {
    const declared = ((pkg.manifest as Record<string, unknown[] | undefined>)[key] ?? []) as unknown[];
    const actual = registered[key] as unknown[];
    const declaredByName = new Map(declared.map((e) => [nameOf(e), e]));
    const actualByName = new Map(actual.map((e) => [nameOf(e), e]));
    for (const [name, entry] of actualByName) {
      const said = declaredByName.get(name);
      if (said === undefined) {
        out.push({ key, name, kind: 'missing', text: `${key}: "${name}" is registered by apply() but missing in the manifest` });
        continue;
      }
      if (typeof entry !== 'object' || entry === null) continue;
      for (const [field, value] of Object.entries(entry)) {
        if (field === 'name') continue;
        const given = typeof said === 'object' && said !== null ? (said as Record<string, unknown>)[field] : undefined;
        if (JSON.stringify(given) !== JSON.stringify(value)) {
          out.push({ key, name, kind: 'differs', text: `${key}: "${name}" has ${field} ${JSON.stringify(given) ?? 'unset'} in the manifest, but apply() registered ${JSON.stringify(value)}` });
        }
      }
    }
    for (const name of declaredByName.keys()) {
      if (!actualByName.has(name)) out.push({ key, name, kind: 'unregistered', text: `${key}: "${name}" is declared in the manifest but apply() does not register it` });
    }
  }
  return out;
}
