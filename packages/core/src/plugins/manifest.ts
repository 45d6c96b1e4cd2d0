import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import { excerpt } from '@biaflow/image';
import type { Kernel } from '../kernel/kernel';
import { isPackageName } from './package-name';
import { besideCore, besideCoreAllowed, nodeModulesChain, type PluginOrigin } from './package-roots';

/**
 * What a plugin package contributes, declared as data in its `package.json` under `biaflow` (as
 * napari's npe2 manifests do), so biaflow can list contributions, show contributed commands in
 * `--help` and check a package is a plugin before running any of its code.
 *
 * ```json
 * "biaflow": {
 *   "workflows": [{ "name": "denoise", "output": "image", "description": "…" }],
 *   "steps": ["drop_border_objects"],
 *   "sections": ["denoise", "metrics.my_key"],
 *   "readers": [{ "name": "npy", "extensions": [".npy"] }],
 *   "writers": [], "points": [{ "name": "csv", "extensions": [".csv"] }], "engines": ["onnx"],
 *   "formats": [{ "name": "bioimageio", "description": "…" }],
 *   "commands": [{ "name": "export", "description": "…" }],
 *   "models": [{ "name": "nuclei2d", "path": "model", "description": "…" }]
 * }
 * ```
 */
export interface PluginManifest {
  workflows?: { name: string; output: string; description: string }[];
  steps?: string[];
  sections?: string[];
  readers?: { name: string; extensions: string[] }[];
  writers?: { name: string; extensions: string[] }[];
  /** Point-list file formats (`kernel.registerPointsFormat`). */
  points?: { name: string; extensions: string[] }[];
  engines?: string[];
  /** Training engines (`kernel.registerTrainingEngine`) and compute backends (`registerComputeBackend`), by name. */
  trainers?: string[];
  backends?: string[];
  /** Network architectures (`kernel.registerNetwork`), by name. */
  networks?: string[];
  /** Kinds of result workflows can declare as their `output` (`kernel.registerOutputKind`). */
  outputs?: { name: string; description: string }[];
  /** Model formats (`kernel.registerModelFormat`). */
  formats?: { name: string; description: string }[];
  commands?: { name: string; description: string }[];
}

/** A package that declares a biaflow plugin, read without importing it. */
export interface PluginPackage {
  name: string;
  version: string;
  description: string;
  /** Its folder. */
  dir: string;
  /** The `@biaflow/core` range it supports (peer dependency). */
  core?: string;
  manifest: PluginManifest;
}

const LIST_KEYS = ['workflows', 'steps', 'sections', 'readers', 'writers', 'points', 'engines', 'trainers', 'backends', 'networks', 'outputs', 'formats', 'commands', 'models'] as const;

/** The keyword a plugin package carries in its package.json (npm search finds plugins by it). */
export const PLUGIN_KEYWORD = 'biaflow-plugin';

/** The manifest lists that are contributions of code (`models` is data: a package of models only is no plugin). */
const CONTRIBUTION_KEYS = LIST_KEYS.filter((k) => k !== 'models');

/**
 * The package in `dir` when its package.json declares a biaflow plugin, else why it does not. A
 * plugin declares itself twice: the keyword `biaflow-plugin`, and a `biaflow` manifest listing at
 * least one contribution — a bare `"biaflow": {}` (or a project's own config under that key) and a
 * package that only ships models are not plugins. Read as data: nothing of the package runs.
 */
export function checkPluginPackage(dir: string): { plugin: PluginPackage; problem?: undefined } | { plugin?: undefined; problem: string } {
  const file = path.join(dir, 'package.json');
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { problem: code === 'ENOENT' || code === 'ENOTDIR' ? 'it has no package.json' : 'its package.json cannot be read as JSON' };
  }
  if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) return { problem: 'its package.json is not a JSON object' };
  const manifest = pkg.biaflow;
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) return { problem: 'its package.json declares no "biaflow" manifest' };
  for (const key of LIST_KEYS) {
    const value = (manifest as Record<string, unknown>)[key];
    if (value !== undefined && !Array.isArray(value)) {
      throw new InputError(`"biaflow.${key}" must be a list (got ${excerpt(value)})`, { file, hint: 'see docs/plugins.md for the manifest format' });
    }
  }
  const contributes = CONTRIBUTION_KEYS.some((k) => ((manifest as Record<string, unknown[] | undefined>)[k]?.length ?? 0) > 0);
  if (!contributes) {
    const modelsOnly = ((manifest as { models?: unknown[] }).models?.length ?? 0) > 0;
    return {
      problem: modelsOnly
        ? 'its "biaflow" manifest lists models only (a package of models is data, not a plugin)'
        : `its "biaflow" manifest lists no contribution (${CONTRIBUTION_KEYS.join(', ')})`,
    };
  }
  const keywords = pkg.keywords;
  if (!Array.isArray(keywords) || !keywords.includes(PLUGIN_KEYWORD)) return { problem: `its package.json lacks the keyword "${PLUGIN_KEYWORD}"` };
  const peers = (pkg.peerDependencies ?? {}) as Record<string, string>;
  return {
    plugin: {
      name: String(pkg.name),
      version: String(pkg.version),
      description: String(pkg.description ?? ''),
      dir,
      core: peers['@biaflow/core'],
      manifest: manifest as PluginManifest,
    },
  };
}

/** The package in `dir` when its package.json declares a biaflow plugin (`checkPluginPackage`); undefined otherwise. */
export function readPluginPackage(dir: string): PluginPackage | undefined {
  return checkPluginPackage(dir).plugin;
}

/** Package folders directly inside a node_modules folder (scoped ones included). */
export function packagesIn(nodeModules: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(nodeModules, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const p = path.join(nodeModules, e.name);
    if (e.name.startsWith('@')) return packagesIn(p);
    return e.isDirectory() || e.isSymbolicLink() ? [p] : [];
  });
}

/**
 * False for a package whose package.json cannot declare a plugin: it does not hold the keyword at
 * all. A cheap look first, as the folders searched hold every dependency of a project (hundreds):
 * only the few that pass are parsed and checked (`checkPluginPackage`).
 */
function mayDeclarePlugin(dir: string): boolean {
  try {
    return fs.readFileSync(path.join(dir, 'package.json'), 'utf8').includes(PLUGIN_KEYWORD);
  } catch {
    return false;
  }
}

/**
 * The biaflow plugin packages a config whose plugins resolve from `from` could name, each read from
 * its package.json, none imported: those installed in the node_modules folders `resolvePlugin` looks
 * in for that origin (`from`'s chain, then beside core; beside core only first-party `@biaflow/*`
 * ones for a saved config), each as `<node_modules>/<its name>` — a package is loaded by its name, so
 * one in a folder of another name, or whose name is no npm name, could never load. A name found
 * earlier hides the same name later, as for loading. Sorted by name.
 */
export function installedPluginPackages(from: string, origin: PluginOrigin = 'chosen'): PluginPackage[] {
  const found = new Map<string, PluginPackage>();
  const seen = new Set<string>();
  const own = nodeModulesChain(from);
  const roots = [...own.map((root) => ({ root, ofCore: false })), ...besideCore().filter((r) => !own.includes(r)).map((root) => ({ root, ofCore: true }))];
  for (const { root, ofCore } of roots) {
    for (const dir of packagesIn(root)) {
      const name = path.relative(root, dir).split(path.sep).join('/');
      if (seen.has(name) || !isPackageName(name) || (ofCore && !besideCoreAllowed(name, origin))) continue;
      // The first folder of a name is the one loading it would take, plugin or not.
      seen.add(name);
      if (!mayDeclarePlugin(dir)) continue;
      let pkg: PluginPackage | undefined;
      try {
        pkg = readPluginPackage(fs.realpathSync(dir));
      } catch {
        continue;
      }
      if (pkg && pkg.name === name) found.set(name, pkg);
    }
  }
  return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** What a plugin registered in a kernel, in manifest form (to check a manifest against the code). */
export function registeredContributions(kernel: Kernel, plugin: string): Required<PluginManifest> {
  const byName = <T extends { name: string }>(list: T[]) => list.sort((a, b) => (a.name < b.name ? -1 : 1));
  return {
    workflows: byName([...kernel.workflows.values()].filter((w) => w.plugin === plugin).map((w) => ({ name: w.name, output: w.output, description: w.description }))),
    steps: [...kernel.postprocessMethods.values()].filter((m) => m.plugin === plugin).map((m) => m.name).sort(),
    sections: [
      ...kernel.configSections.filter((s) => s.plugin === plugin).map((s) => s.key),
      ...kernel.sectionExtensions.filter((e) => e.plugin === plugin).flatMap((e) => Object.keys(e.shape).map((k) => `${e.section}.${k}`)),
    ].sort(),
    readers: byName(kernel.contributionsOf('readers', plugin).map((r) => ({ name: r.name, extensions: [...r.extensions] }))),
    writers: byName(kernel.contributionsOf('writers', plugin).map((w) => ({ name: w.name, extensions: [...w.extensions] }))),
    points: byName(kernel.contributionsOf('points', plugin).map((p) => ({ name: p.name, extensions: [...p.extensions] }))),
    engines: kernel.contributionsOf('engines', plugin).map((e) => e.name).sort(),
    trainers: kernel.contributionsOf('trainers', plugin).map((e) => e.name).sort(),
    backends: kernel.contributionsOf('backends', plugin).map((e) => e.name).sort(),
    networks: kernel.contributionsOf('networks', plugin).map((e) => e.name).sort(),
    outputs: byName(kernel.contributionsOf('outputs', plugin).map((k) => ({ name: k.name, description: k.description }))),
    formats: byName(kernel.contributionsOf('formats', plugin).map((f) => ({ name: f.name, description: f.description }))),
    commands: byName([...kernel.commands.values()].filter((c) => c.plugin === plugin).map((c) => ({ name: c.name, description: c.description }))),
  };
}
