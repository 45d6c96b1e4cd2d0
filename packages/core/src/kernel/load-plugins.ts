import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors';
import { didYouMean } from '../config/suggest';
import { expandShortName, FIRST_PARTY_PLUGINS } from './first-party';
import { isPlugin, type BiaflowPlugin } from './plugin';

export interface PluginRequest {
  /** As written: a package name, a short name or a relative path. */
  specifier: string;
  options?: Record<string, unknown>;
  /** Folder the specifier resolves from: the config file's folder, or the working directory for --set. */
  baseDir: string;
}

function isPathSpecifier(s: string): boolean {
  return s.startsWith('.') || path.isAbsolute(s);
}

/**
 * Resolve a plugin the way Babel does: from the config file's folder first. Packages are also
 * looked up from core's own location, so plugins installed beside a global CLI are found.
 * Returns undefined when nothing is found.
 */
export function resolvePlugin(specifier: string, baseDir: string): string | undefined {
  const target = isPathSpecifier(specifier) ? path.resolve(baseDir, specifier) : expandShortName(specifier);
  const from = [path.join(baseDir, '__biaflow_resolve__.js')];
  if (!isPathSpecifier(specifier)) from.push(__filename);
  for (const origin of from) {
    try {
      return createRequire(origin).resolve(target);
    } catch {
      /* try the next origin */
    }
  }
  return undefined;
}

/** Load one plugin module and turn its export into a plugin object (calling a factory with its options). */
export async function loadPlugin(request: PluginRequest): Promise<{ plugin: BiaflowPlugin; source: string }> {
  const { specifier, options, baseDir } = request;
  const resolved = resolvePlugin(specifier, baseDir);
  if (!resolved) {
    const pkg = expandShortName(specifier);
    const hint = isPathSpecifier(specifier)
      ? `check the path; it is resolved from ${baseDir}`
      : `install it with \`npm i ${pkg}\`${didYouMean(specifier, FIRST_PARTY_PLUGINS)}`;
    throw new UsageError(`cannot find plugin "${specifier}" (looked from ${baseDir})`, hint);
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
  return { plugin, source: isPathSpecifier(specifier) ? resolved : specifier };
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
