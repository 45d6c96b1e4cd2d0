import { UsageError } from '../errors';
import type { Kernel } from '../kernel/kernel';
import { loadPlugin, resolvePlugin } from './load-plugins';
import { installedPluginPackages, type PluginPackage } from './manifest';
import type { PluginOrigin } from './package-roots';

/** The kinds of contribution a config names by themselves, whose package biaflow then finds by its manifest. */
export type NamedContribution = 'workflows' | 'steps';

/** Where to look for the package that contributes a name, and how to talk about it. */
export interface ContributorSearch {
  /**
   * Folders whose node_modules chains are searched, in order: the config's folder, then the working
   * folder (for a saved config: the working folder only). Packages beside core follow each, as for
   * any plugin entry of that origin (`pluginRoots`).
   */
  from: readonly string[];
  /** Whose config names it: decides where packages may come from, as for its `plugins:` entries. */
  origin: PluginOrigin;
  /** Where the name was written, for messages: `problem.type in /p/c.yaml`. */
  where: string;
  /** How the person picks one of two packages that declare the name (a sentence): for a config, `plugins:` or --plugin. */
  choose: (names: readonly string[]) => string;
}

/** An installed package declaring the name, with the folder it loads from by name. */
export interface Contributor {
  pkg: PluginPackage;
  baseDir: string;
}

const WHAT: Record<NamedContribution, string> = { workflows: 'workflow', steps: 'post-processing method' };

/** The names a package's manifest declares of this kind (`workflows` are `{ name, … }`, `steps` names). */
function declaredNames(pkg: PluginPackage, kind: NamedContribution): string[] {
  return ((pkg.manifest[kind] ?? []) as unknown[]).flatMap((e) => {
    const name = typeof e === 'string' ? e : (e as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? [name] : [];
  });
}

/**
 * The installed plugin packages whose manifest (package.json `biaflow.workflows[].name`, or
 * `biaflow.steps`) declares `name`, among those a config of this origin could name in `plugins:`
 * (docs/security.md: an npm name, the `biaflow-plugin` keyword and a manifest, found where its
 * entries resolve). Read as data: nothing is imported. Each is checked to be the package its name
 * loads (`resolvePlugin`, which refuses, exit 2, a package whose entry leaves its folder).
 */
export function installedContributors(kind: NamedContribution, name: string, search: ContributorSearch): Contributor[] {
  const found = new Map<string, Contributor>();
  for (const baseDir of search.from) {
    for (const pkg of installedPluginPackages(baseDir, search.origin)) {
      if (found.has(pkg.name) || !declaredNames(pkg, kind).includes(name)) continue;
      const resolved = resolvePlugin({ specifier: pkg.name, baseDir, origin: search.origin, where: search.where });
      if (resolved?.package?.dir === pkg.dir) found.set(pkg.name, { pkg, baseDir });
    }
  }
  return [...found.values()];
}

/** Every name of this kind the installed packages a config could load declare (for messages: what the config could use). */
export function installedNames(kind: NamedContribution, search: Pick<ContributorSearch, 'from' | 'origin'>): string[] {
  const names = new Set<string>();
  for (const baseDir of search.from) {
    for (const pkg of installedPluginPackages(baseDir, search.origin)) for (const name of declaredNames(pkg, kind)) names.add(name);
  }
  return [...names].sort();
}

/**
 * Apply to `kernel` the installed package that declares `name` (a workflow or a post-processing
 * method the config uses) when no loaded plugin registers it yet — the package is found by its
 * manifest, as a first-party one, so a config names a workflow by `problem.type` alone. Two packages
 * declaring it stop with exit 2 naming both, unless one is already loaded (listed under `plugins:`
 * or given with --plugin: the person's choice wins). Returns the package applied, if any.
 */
export async function useInstalledContributor(kernel: Kernel, kind: NamedContribution, name: string, search: ContributorSearch): Promise<PluginPackage | undefined> {
  const candidates = installedContributors(kind, name, search);
  if (candidates.some((c) => kernel.allPlugins.some((p) => p.name === c.pkg.name))) return undefined;
  if (candidates.length > 1) {
    const names = candidates.map((c) => c.pkg.name);
    throw new UsageError(
      `${WHAT[kind]} "${name}" (${search.where}) is declared by ${candidates.length} installed packages: ${candidates.map((c) => `${c.pkg.name} ${c.pkg.version} (${c.pkg.dir})`).join(' and ')}; biaflow does not choose between them`,
      search.choose(names),
    );
  }
  const [only] = candidates;
  if (!only) return undefined;
  const { plugin, source } = await loadPlugin({ specifier: only.pkg.name, baseDir: only.baseDir, origin: search.origin, where: search.where });
  if (kernel.allPlugins.some((p) => p.name === plugin.name)) return undefined;
  await kernel.use(plugin, source);
  const registered = kind === 'workflows' ? kernel.workflows.has(name) : kernel.postprocessMethods.has(name);
  if (!registered) {
    throw new UsageError(
      `${only.pkg.name} (${only.pkg.dir}) declares the ${WHAT[kind]} "${name}" in its package.json manifest, but its plugin does not register it`,
      `reinstall ${only.pkg.name}, or report it to its authors (\`biaflow plugins --check ${only.pkg.name}\` shows where its manifest and its code differ)`,
    );
  }
  return only.pkg;
}
