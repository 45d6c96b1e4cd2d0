import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { UsageError } from '../errors';
import { expandShortName } from '../kernel/first-party';
import { checkPluginPackage, PLUGIN_KEYWORD, type PluginPackage } from './manifest';
import { pluginRoots, type PluginOrigin } from './package-roots';
import { packageNameProblem } from './package-name';

export type { PluginOrigin };

export interface PluginRequest {
  /** As written: a package name, a short name or a path. */
  specifier: string;
  options?: Record<string, unknown>;
  /** Folder the specifier resolves from: the config file's folder, or the working directory. */
  baseDir: string;
  /** Who chose it (default `chosen`). */
  origin?: PluginOrigin;
  /** Where the entry was written, for messages (`the model bundle in runs/x/model`). */
  where?: string;
}

/** Where a plugin's code is, checked to be allowed to run; nothing of it has run yet. */
export interface ResolvedPlugin {
  /** The module to import: a real path, inside its package for a package. */
  file: string;
  /** The package (read from its package.json) when the entry names one; undefined for a path. */
  package?: PluginPackage;
}

/** A path (`./x.js`, `../plugins/x`, `/abs/x.js`), as opposed to a package name (`name`, `@scope/name`). */
export function isPathSpecifier(s: string): boolean {
  return s.startsWith('.') || path.isAbsolute(s);
}

/** The file a path entry names, resolved as Node does from `baseDir` (undefined when there is none). */
export function resolvePluginPath(specifier: string, baseDir: string): string | undefined {
  try {
    return createRequire(path.join(baseDir, '__biaflow_resolve__.js')).resolve(path.resolve(baseDir, specifier));
  } catch {
    return undefined;
  }
}

function whereOf(request: PluginRequest): string {
  return request.where ?? 'the config';
}

/** Why a path entry may not load, with what to do instead. */
function pathRefused(request: PluginRequest): UsageError {
  const where = whereOf(request);
  const why =
    request.origin === 'saved'
      ? `it comes from ${where}, which was saved with a model or a run: biaflow never runs a file a model or a run folder names`
      : `it comes from ${where}, which was found by searching, not passed with --config`;
  const shown = /^[\x21-\x7e]+$/.test(request.specifier) ? request.specifier : JSON.stringify(request.specifier);
  return new UsageError(`plugin ${JSON.stringify(request.specifier)} is a path, and ${why}`, `if you trust that file, pass it yourself: --plugin ${shown} (or pass the config with --config)`);
}

function nameRefused(request: PluginRequest, problem: string): UsageError {
  const origin = request.origin ?? 'chosen';
  const hints: Record<PluginOrigin, string> = {
    chosen: 'give a package by its npm name (name or @scope/name, installed in your project), or a file by its path (./plugin.js)',
    found: 'a config found by searching may name plugin packages only, by their npm name (name or @scope/name); if you trust a file, pass it yourself: --plugin PATH, or write it as a path (./plugin.js) in a config you pass with --config',
    saved: `${whereOf(request)} may name plugin packages only, by their npm name (name or @scope/name); if you trust a file, pass it yourself: --plugin PATH`,
  };
  return new UsageError(`plugin ${JSON.stringify(request.specifier)} (from ${whereOf(request)}) is not an npm package name: ${problem}; nothing it names was loaded`, hints[origin]);
}

function packageRefused(request: PluginRequest, name: string, folder: string, why: string, hint: string): UsageError {
  return new UsageError(`package "${name}" (${folder}, named by ${whereOf(request)}) ${why}; none of its code was run`, hint);
}

const DECLARE_HINT = `a plugin package carries the keyword "${PLUGIN_KEYWORD}" and lists its contributions under "biaflow" in its package.json (docs/plugins.md)`;

/**
 * A package found at `folder` (exactly `<node_modules>/<name>`, as found, before links are followed),
 * checked before any of its code runs: a folder, declared a biaflow plugin in its package.json, and
 * whose entry (`main` / `exports`, as Node resolves it) lies inside the package once links are followed.
 */
function checkedPackage(request: PluginRequest, name: string, nodeModules: string, folder: string): ResolvedPlugin {
  let real: string;
  try {
    real = fs.realpathSync(folder);
    if (!fs.statSync(real).isDirectory()) throw new Error('not a folder');
  } catch {
    throw packageRefused(request, name, folder, 'is not a package folder', `reinstall it (npm i ${name}), or remove ${folder}`);
  }
  const checked = checkPluginPackage(real);
  if (checked.problem !== undefined) throw packageRefused(request, name, folder, `is not a biaflow plugin: ${checked.problem}`, DECLARE_HINT);
  let entry: string;
  try {
    // Resolved from beside that node_modules folder, so Node looks in it first, as it would for the person's project.
    entry = fs.realpathSync(createRequire(path.join(path.dirname(nodeModules), '__biaflow_resolve__.js')).resolve(name));
  } catch (e) {
    throw packageRefused(request, name, folder, `has no entry Node can load (${(e as Error).message.split('\n')[0]})`, `reinstall it (npm i ${name})`);
  }
  const rel = path.relative(real, entry);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw packageRefused(
      request,
      name,
      folder,
      `is refused: its entry (package.json "main" / "exports") is ${entry}, outside the package folder ${real}`,
      'a plugin\'s "main" and "exports" name files inside its own package; reinstall it, or report it to its authors',
    );
  }
  return { file: entry, package: checked.plugin };
}

/**
 * The one gate every plugin passes before its code runs — configs (`--config`, searched, saved in a
 * bundle, a zoo package or a run folder), `--plugin`, implicit and installed-format loading,
 * contributed commands. A path loads only when the person chose it. A package name must be an npm
 * name (so it names a folder directly inside a node_modules folder, never a path out of it), is looked
 * for where its origin allows (`pluginRoots`), and must declare itself a plugin with its entry inside
 * it. Returns undefined when no such package or file is installed; throws a UsageError (exit 2)
 * naming the entry and where it was written when it is refused.
 */
export function resolvePlugin(request: PluginRequest): ResolvedPlugin | undefined {
  const origin = request.origin ?? 'chosen';
  if (isPathSpecifier(request.specifier)) {
    if (origin !== 'chosen') throw pathRefused(request);
    const file = resolvePluginPath(request.specifier, request.baseDir);
    return file ? { file } : undefined;
  }
  const name = expandShortName(request.specifier);
  const problem = packageNameProblem(name);
  if (problem !== undefined) throw nameRefused(request, problem);
  for (const nodeModules of pluginRoots(name, request.baseDir, origin)) {
    const folder = path.join(nodeModules, name);
    try {
      fs.lstatSync(folder);
    } catch {
      continue;
    }
    return checkedPackage(request, name, nodeModules, folder);
  }
  return undefined;
}
