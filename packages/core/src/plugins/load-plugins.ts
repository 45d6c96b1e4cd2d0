import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors';
import { didYouMean } from '../suggest';
import { expandShortName, FIRST_PARTY_PLUGINS } from '../kernel/first-party';
import { isPlugin, type BiaflowPlugin } from '../kernel/plugin';
import { isPathSpecifier, resolvePlugin, type PluginRequest } from './resolve-plugin';

export { isPathSpecifier, resolvePlugin, type PluginOrigin, type PluginRequest, type ResolvedPlugin } from './resolve-plugin';

/** First-party packages, and names following the plugin naming convention (`biaflow-plugin-*`, `@scope/biaflow-plugin-*`). */
export function looksLikeBiaflowPlugin(name: string): boolean {
  return name.startsWith('@biaflow/') || /^(@[^/]+\/)?biaflow-plugin-[^/]+$/.test(name);
}

/**
 * Load one plugin module and turn its export into a plugin object (calling a factory with its
 * options). `resolvePlugin` decides first whether it may run at all (a package must declare a
 * biaflow plugin, docs/security.md); a single file is the person's own choice by path.
 */
export async function loadPlugin(request: PluginRequest): Promise<{ plugin: BiaflowPlugin; source: string }> {
  const { specifier, options, baseDir } = request;
  const origin = request.origin ?? 'chosen';
  const byPath = isPathSpecifier(specifier);
  // Every check (path or package name, where it may come from, the package's declaration, its entry) is made here, before any import.
  const found = resolvePlugin(request);
  if (!found) {
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
  const resolved = found.file;
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
