import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors';
import { didYouMean } from '../config/suggest';
import { expandShortName, FIRST_PARTY_PLUGINS } from './first-party';
import { packageDirOf, readPluginPackage } from './manifest';
import { isPlugin, type BiaflowPlugin } from './plugin';

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

/** A path (`./x.js`, `../plugins/x`, `/abs/x.js`), as opposed to a package name (`name`, `@scope/name`). */
export function isPathSpecifier(s: string): boolean {
  return s.startsWith('.') || path.isAbsolute(s);
}

function resolveFrom(target: string, origins: string[]): string | undefined {
  for (const origin of origins) {
    try {
      return createRequire(origin).resolve(target);
    } catch {
      /* try the next origin */
    }
  }
  return undefined;
}

/** First-party packages, and names following the plugin naming convention (`biaflow-plugin-*`, `@scope/biaflow-plugin-*`). */
export function looksLikeBiaflowPlugin(name: string): boolean {
  return name.startsWith('@biaflow/') || /^(@[^/]+\/)?biaflow-plugin-[^/]+$/.test(name);
}

/**
 * Resolve a plugin the way Babel does: from the config file's folder first. Packages the person
 * chose are also looked up from core's own location (plugins installed beside a global CLI); for a
 * saved config, only first-party packages are. Returns undefined when nothing is found.
 */
export function resolvePlugin(specifier: string, baseDir: string, origin: PluginOrigin = 'chosen'): string | undefined {
  if (isPathSpecifier(specifier)) return resolveFrom(path.resolve(baseDir, specifier), [path.join(baseDir, '__biaflow_resolve__.js')]);
  const name = expandShortName(specifier);
  const origins = [path.join(baseDir, '__biaflow_resolve__.js')];
  if (origin !== 'saved' || name.startsWith('@biaflow/')) origins.push(__filename);
  return resolveFrom(name, origins);
}

/** Why a path entry may not load, with what to do instead. */
function pathRefused(request: PluginRequest): UsageError {
  const where = request.where ?? 'the config';
  const why =
    request.origin === 'saved'
      ? `it comes from ${where}, which was saved with a model or a run: biaflow never runs a file a model or a run folder names`
      : `it comes from ${where}, which was found by searching, not passed with --config`;
  return new UsageError(`plugin "${request.specifier}" is a path, and ${why}`, `if you trust that file, pass it yourself: --plugin ${request.specifier} (or pass the config with --config)`);
}

/**
 * Load one plugin module and turn its export into a plugin object (calling a factory with its
 * options). A package is checked to declare a biaflow plugin (a `biaflow` manifest in its
 * package.json) before any of its code runs; a single file is the person's own choice by path.
 */
export async function loadPlugin(request: PluginRequest): Promise<{ plugin: BiaflowPlugin; source: string }> {
  const { specifier, options, baseDir } = request;
  const origin = request.origin ?? 'chosen';
  const byPath = isPathSpecifier(specifier);
  if (byPath && origin !== 'chosen') throw pathRefused(request);
  const resolved = resolvePlugin(specifier, baseDir, origin);
  if (!resolved) {
    const pkg = expandShortName(specifier);
    const looked = origin === 'saved' && !pkg.startsWith('@biaflow/') ? `${baseDir} (your project)` : baseDir;
    const needed = request.where && origin === 'saved' ? ` (${request.where} needs it)` : '';
    if (byPath) throw new UsageError(`cannot find plugin "${specifier}"${needed} (looked from ${looked})`, `check the path; it is resolved from ${baseDir}`);
    // An install command only for names that are ours or named like a biaflow plugin: suggesting
    // `npm i` for any other (mistyped) name could install an unrelated, or a squatting, package.
    if (looksLikeBiaflowPlugin(pkg)) {
      throw new UsageError(`cannot find plugin "${specifier}"${needed} (looked from ${looked})`, `install it with \`npm i ${pkg}\`${didYouMean(specifier, FIRST_PARTY_PLUGINS)}`);
    }
    throw new UsageError(
      `cannot find plugin "${specifier}"${needed}: no package "${pkg}" where the config resolves from (${looked})`,
      `check the name${didYouMean(specifier, FIRST_PARTY_PLUGINS)} (biaflow plugins are named @biaflow/plugin-*, biaflow-plugin-* or @scope/biaflow-plugin-*), or install the package you mean in that project`,
    );
  }
  if (!byPath) {
    const dir = packageDirOf(resolved);
    if (!dir || !readPluginPackage(dir)) {
      throw new UsageError(
        `package "${expandShortName(specifier)}" (${dir ?? resolved}) is not a biaflow plugin: its package.json declares no "biaflow" manifest; none of its code was run`,
        'a plugin package lists its contributions under "biaflow" in package.json (docs/plugins.md)',
      );
    }
  }
  const exported = await importModule(resolved, specifier);
  const candidate = (exported as { default?: unknown })?.default ?? exported;
  let plugin: unknown;
  if (typeof candidate === 'function') {
    plugin = (candidate as (o?: unknown) => unknown)(options);
  } else {
    if (options && Object.keys(options).length) {
      throw new UsageError(`plugin "${specifier}" takes no options (it exports a plugin object, not a factory)`);
    }
    plugin = candidate;
  }
  if (!isPlugin(plugin)) {
    throw new UsageError(
      `"${specifier}" (${resolved}) is not a biaflow plugin: it must export an object with name, version, core and apply(kernel), or a function returning one`,
    );
  }
  return { plugin, source: byPath ? resolved : specifier };
}

async function importModule(file: string, specifier: string): Promise<unknown> {
  try {
    // Plain require keeps a single module registry (and works under jest); Node 20.19+ also
    // requires ES modules this way.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_REQUIRE_ESM' || code === 'ERR_REQUIRE_ASYNC_MODULE') {
      return import(pathToFileURL(file).href);
    }
    throw new UsageError(`plugin "${specifier}" (${file}) failed to load: ${(e as Error).message}`);
  }
}
