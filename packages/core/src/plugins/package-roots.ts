import fs from 'node:fs';
import path from 'node:path';

/**
 * Who chose a plugin entry, which decides what may load (docs/security.md):
 * - `chosen`: the person — a config passed with `--config`, `--set`, `--plugin`, or code. Paths and
 *   packages load; packages resolve from the config's folder, then beside core.
 * - `found`: a data config found by searching the project. Packages only; a path must be passed
 *   with `--config` or `--plugin` to run.
 * - `saved`: a config a model bundle, a zoo package or a run folder carries. Packages only, and
 *   only when they resolve from the person's project (the working folder's node_modules chain) or
 *   are first-party packages installed beside core: a downloaded model cannot run a file it ships.
 */
export type PluginOrigin = 'chosen' | 'found' | 'saved';

/** The folder of the package file `resolved` (a module inside it) belongs to: the nearest folder up with a package.json. */
export function packageDirOf(resolved: string): string | undefined {
  let dir = path.dirname(resolved);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** The node_modules folders Node looks in from `dir` upwards (none inside another node_modules' own name). */
export function nodeModulesChain(dir: string): string[] {
  const chain: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (path.basename(d) !== 'node_modules') chain.push(path.join(d, 'node_modules'));
    if (path.dirname(d) === d) return chain;
  }
}

/**
 * The node_modules folders a package name is looked for in, in order: those of `baseDir` (the
 * person's project, or the config's folder), then those beside core (plugins installed with a global
 * CLI, or this repository's workspace). A saved config's names are looked for beside core only when
 * first-party (`@biaflow/*`): a model cannot pick a package the person did not install for their
 * project. Loading a name (`resolvePlugin`) and listing what is installed (`installedPluginPackages`)
 * look in the same folders, so what is listed is what a config could name.
 */
export function pluginRoots(name: string, baseDir: string, origin: PluginOrigin): string[] {
  const roots = nodeModulesChain(baseDir);
  if (!besideCoreAllowed(name, origin)) return roots;
  for (const root of besideCore()) if (!roots.includes(root)) roots.push(root);
  return roots;
}

/** The node_modules folders beside core itself (where a global CLI's plugins, or this repository's workspace packages, are). */
export function besideCore(): string[] {
  const coreDir = packageDirOf(__filename);
  return coreDir ? nodeModulesChain(coreDir) : [];
}

/** Whether a package of this name may load from beside core for a config of this origin. */
export function besideCoreAllowed(name: string, origin: PluginOrigin): boolean {
  return origin !== 'saved' || name.startsWith('@biaflow/');
}
