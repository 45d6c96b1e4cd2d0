import path from 'node:path';
import { ConfigError, UsageError, type ConfigIssue } from '../errors';
import { excerpt } from '@biaflow/image';
import { expandShortName, FIRST_PARTY_SECTIONS, POSTPROC_PLUGIN } from '../kernel/first-party';
import type { Kernel } from '../kernel/kernel';
import { installedNames, useInstalledContributor } from '../plugins/installed-contributors';
import { loadPlugin } from '../plugins/load-plugins';
import { isPathSpecifier, resolvePlugin, resolvePluginPath, type PluginOrigin, type PluginRequest } from '../plugins/resolve-plugin';
import type { BiaflowPlugin } from '../kernel/plugin';
import { assertNoForbiddenKeys } from './forbidden-keys';
import { parseOverride, setIn, type Override } from './overrides';
import { readConfigFile, searchFolders } from './read-config-file';
import { buildSchema, type ResolvedConfig } from '../kernel/config/schema';
import { formatKeyPath, isPlainObject, resolvePaths, schemaAt } from './schema-walk';
import { didYouMean } from '../suggest';
import { sizeLimitIssues } from './size-limits';
import { validateConfig } from './validate';

export interface ConfigRequest {
  /** The kernel the config's plugins are applied to (a new one: core's `createKernel`, or a distribution's with its default plugins). */
  kernel: Kernel;
  /** `--config FILE`, relative to `cwd`. When absent, the config is searched from `cwd` upwards. */
  configFile?: string;
  /** A config given in code instead of a file; its relative paths resolve from `cwd`. */
  inline?: Record<string, unknown>;
  /** `--set key=value` entries, in order. */
  sets?: readonly string[];
  cwd?: string;
  /** Plugins passed in code (tests, library users), applied before those the config lists. */
  plugins?: readonly BiaflowPlugin[];
  /** `--plugin` entries (paths or packages, resolved from `cwd`): the person's own choice. */
  cliPlugins?: readonly string[];
  /**
   * Who wrote the config's `plugins:` entries (docs/security.md): `chosen` (a config passed with
   * --config, or in code: the default), `saved` (a model bundle's or a run folder's config: packages
   * only, resolved from `cwd`). A config found by searching is `found` (packages only).
   */
  trust?: PluginOrigin;
  /** What the config is, for messages (`the model bundle in runs/x/model`). */
  describe?: string;
}

export interface LoadedConfig {
  config: ResolvedConfig;
  /** Absolute path of the config file, if the config came from one. */
  configPath?: string;
  /** The kernel with every plugin applied. */
  kernel: Kernel;
}

export const DEFAULT_PATCH_SIZE = { 2: [256, 256], 3: [32, 128, 128] } as const;

/**
 * Read, layer and validate a config: file (paths from its folder) < `--set` (paths from the working
 * directory). Plugins are loaded first, because they contribute config sections and methods; the
 * package declaring the workflow of `problem.type`, those declaring the `postprocess:` methods, and
 * the post-processing plugin load without being listed when installed (`loadImplicitPlugins`).
 */
export async function loadConfig(request: ConfigRequest): Promise<LoadedConfig> {
  const cwd = request.cwd ?? process.cwd();
  let raw: Record<string, unknown>;
  let configPath: string | undefined;
  let configDir = cwd;
  let trust: PluginOrigin = request.trust ?? 'chosen';
  if (request.inline) {
    raw = structuredClone(request.inline);
  } else {
    if (!request.configFile && !request.trust) trust = 'found';
    const file = await readConfigFile(request.configFile, cwd);
    if (!file) {
      throw new UsageError(
        `no config found: no --config given and no biaflow.config.yaml (or .yml, .json, .biaflowrc, package.json#biaflow) in ${searchFolders(cwd).join(', ')}`,
        'pass --config FILE (a .js config runs only when passed this way), or write a starter config with `biaflow init <workflow>`',
      );
    }
    raw = file.raw;
    configPath = file.filepath;
    configDir = path.dirname(file.filepath);
  }
  // An inline config is a model's (a bundle's or a package's settings) or code's: messages say whose.
  const source = configPath ?? request.describe ?? 'the config';
  assertNoForbiddenKeys(raw, source);
  const overrides = (request.sets ?? []).map(parseOverride);

  const { kernel } = request;
  for (const plugin of request.plugins ?? []) await kernel.use(plugin);
  const requests = [
    ...(request.cliPlugins ?? []).map((specifier): PluginRequest => ({ specifier, baseDir: cwd, origin: 'chosen', where: '--plugin' })),
    ...pluginRequests(raw, overrides, trust === 'saved' ? cwd : configDir, cwd, source, trust, request.describe ?? source),
  ];
  for (const req of requests) {
    // A saved config names what its run loaded; a plugin the person already gave (code, --plugin) satisfies it.
    if (req.origin === 'saved' && alreadyLoaded(kernel, req)) continue;
    const { plugin, source: from } = await loadPlugin(req);
    await kernel.use(plugin, from);
  }
  await loadImplicitPlugins(kernel, namedContributions(raw, overrides), { cwd, configDir, origin: trust, source });

  const schema = buildSchema(kernel.configSections, kernel.sectionExtensions);
  if (raw.plugins !== undefined) raw.plugins = absolutePluginPaths(raw.plugins, configDir);
  // --plugin entries are part of the run's config, so the config it saves names them (a path must be given again to run).
  if (request.cliPlugins?.length) raw.plugins = [...(Array.isArray(raw.plugins) ? raw.plugins : []), ...(absolutePluginPaths(request.cliPlugins, cwd) as string[])];
  const merged = resolvePaths(raw, schema, configDir) as Record<string, unknown>;
  const overrideIssues: ConfigIssue[] = [];
  for (const o of overrides) {
    const found = schemaAt(schema, o.keyPath);
    if ('missingAt' in found) {
      const bad = o.keyPath[found.missingAt];
      const owner = FIRST_PARTY_SECTIONS[formatKeyPath(o.keyPath.slice(0, found.missingAt + 1))];
      overrideIssues.push({
        path: formatKeyPath(o.keyPath.slice(0, found.missingAt + 1)),
        message: owner
          ? `unknown key in --set ${o.text}: this section belongs to ${owner}, which is not loaded`
          : `unknown key in --set ${o.text}${didYouMean(String(bad), found.candidates)}`,
      });
      continue;
    }
    const value = o.keyPath[0] === 'plugins' ? absolutePluginPaths(o.value, cwd) : resolvePaths(o.value, found.schema, cwd);
    setIn(merged, o.keyPath, value);
  }
  if (overrideIssues.length) throw new ConfigError(overrideIssues, source);

  // An unknown workflow is told with the workflows the installed packages declare (the config could use those).
  const { type } = namedContributions(raw, overrides);
  const declared = type !== undefined && !kernel.workflows.has(type) ? installedNames('workflows', { from: contributorFolders(cwd, configDir, trust), origin: trust }) : [];
  const config = validateConfig(merged, kernel, source, declared);
  config.data.patch_size ??= [...DEFAULT_PATCH_SIZE[config.problem.ndim]];
  if (config.data.patch_size.length !== config.problem.ndim) {
    throw new ConfigError(
      [{ path: 'data.patch_size', message: `has ${config.data.patch_size.length} values but problem.ndim is ${config.problem.ndim}` }],
      source,
    );
  }
  const sizeIssues = sizeLimitIssues(config);
  if (sizeIssues.length) throw new ConfigError(sizeIssues, source);
  return { config, configPath, kernel };
}

/** True when a saved entry names a plugin the person already loaded: the same package, or the same file given with --plugin. */
function alreadyLoaded(kernel: Kernel, req: PluginRequest): boolean {
  const file = isPathSpecifier(req.specifier) ? resolvePluginPath(req.specifier, req.baseDir) : undefined;
  return kernel.allPlugins.some((p) => p.name === expandShortName(req.specifier) || (file !== undefined && p.source === file));
}

/**
 * Plugin entries written as relative paths, made absolute from `baseDir`, so that the config a run
 * stores in its folder (and `--resume` reads back from there) still finds them.
 */
function absolutePluginPaths(entries: unknown, baseDir: string): unknown {
  const isPath = (s: unknown): s is string => typeof s === 'string' && (s.startsWith('.') || path.isAbsolute(s));
  const fix = (e: unknown): unknown => {
    if (isPath(e)) return path.resolve(baseDir, e);
    if (Array.isArray(e) && isPath(e[0])) return [path.resolve(baseDir, e[0]), ...e.slice(1)];
    return e;
  };
  return Array.isArray(entries) ? entries.map(fix) : fix(entries);
}

/**
 * Plugin entries of the config resolve from its folder (from the working directory for a saved
 * config) and carry its trust; those given with --set are the person's and resolve from the working
 * directory.
 */
function pluginRequests(
  raw: Record<string, unknown>,
  overrides: Override[],
  configDir: string,
  cwd: string,
  source: string,
  trust: PluginOrigin,
  describe: string,
): PluginRequest[] {
  const fromSet = overrides.filter((o) => o.keyPath[0] === 'plugins');
  const requests: PluginRequest[] = [];
  const add = (entries: unknown, baseDir: string, where: string, origin: PluginOrigin, described: string) => {
    if (entries === undefined || entries === null) return;
    const list = Array.isArray(entries) ? entries : [entries];
    list.forEach((entry, i) => {
      if (typeof entry === 'string') requests.push({ specifier: entry, baseDir, origin, where: described });
      else if (Array.isArray(entry) && typeof entry[0] === 'string' && (entry[1] === undefined || isPlainObject(entry[1]))) {
        requests.push({ specifier: entry[0], options: entry[1] as Record<string, unknown> | undefined, baseDir, origin, where: described });
      } else {
        throw new ConfigError(
          [{ path: `${where}[${i}]`, message: `expected a plugin name or [name, options] (got ${excerpt(entry)})` }],
          source,
        );
      }
    });
  };
  const wholeListFromSet = fromSet.find((o) => o.keyPath.length === 1);
  if (!wholeListFromSet) add(raw.plugins, configDir, 'plugins', trust, describe);
  for (const o of fromSet) add(o.keyPath.length === 1 ? o.value : [o.value], cwd, `--set ${o.text}`, 'chosen', `--set ${o.text}`);
  return requests;
}

/** `problem.type` and the `postprocess:` methods of the config as it will be once `--set` entries are applied (they name the packages to find). */
function namedContributions(raw: Record<string, unknown>, overrides: Override[]): { type?: string; methods: string[] } {
  // A copy down to the keys that hold the names: --set entries deeper than those cannot change them.
  const view: Record<string, unknown> = {
    problem: isPlainObject(raw.problem) ? { ...raw.problem } : raw.problem,
    postprocess: Array.isArray(raw.postprocess) ? raw.postprocess.map((step) => (isPlainObject(step) ? { ...step } : step)) : raw.postprocess,
  };
  const naming = (k: Override['keyPath']) =>
    k[0] === 'problem' ? k.length === 1 || (k.length === 2 && k[1] === 'type') : k[0] === 'postprocess' && (k.length === 1 || k.length === 2 || (k.length === 3 && k[2] === 'method'));
  for (const o of overrides) if (naming(o.keyPath)) setIn(view, o.keyPath, o.value);
  const type = isPlainObject(view.problem) && typeof view.problem.type === 'string' ? view.problem.type : undefined;
  const steps = Array.isArray(view.postprocess) ? view.postprocess : [];
  const methods = steps.flatMap((s) => (isPlainObject(s) && typeof s.method === 'string' ? [s.method] : []));
  return { type, methods: [...new Set(methods)] };
}

/** Where the packages a config uses without listing them are looked for: as its `plugins:` entries resolve, then the working folder (a saved config: the working folder only). */
function contributorFolders(cwd: string, configDir: string, origin: PluginOrigin): string[] {
  return origin === 'saved' ? [cwd] : [...new Set([configDir, cwd])];
}

/**
 * The plugins a config uses without listing them, when installed: the package whose manifest declares
 * the workflow of `problem.type`, and those declaring the `postprocess:` methods it names (found as
 * `installedContributors` says: only packages its `plugins:` could name, from the config's folder
 * then the working folder; two declaring one name stop, exit 2, unless one is listed). The
 * post-processing package also loads with every config when installed, as it always has: a run's
 * model lists it among the plugins its training loaded, and so do the bundles made before.
 */
async function loadImplicitPlugins(kernel: Kernel, named: { type?: string; methods: string[] }, at: { cwd: string; configDir: string; origin: PluginOrigin; source: string }) {
  const { cwd, configDir, origin, source } = at;
  const from = contributorFolders(cwd, configDir, origin);
  const choose = (names: readonly string[]) =>
    `list the one to use under plugins: in ${source} (plugins: [${names[0]}]), or pass --plugin ${names[0]}; or uninstall the other${names.length > 2 ? 's' : ''}`;
  if (!kernel.allPlugins.some((p) => p.name === POSTPROC_PLUGIN || expandShortName(p.source) === POSTPROC_PLUGIN)) {
    const where = 'biaflow itself (it loads this package with every config when installed)';
    const baseDir = from.find((dir) => resolvePlugin({ specifier: POSTPROC_PLUGIN, baseDir: dir, where }));
    if (baseDir) {
      const { plugin, source: loadedFrom } = await loadPlugin({ specifier: POSTPROC_PLUGIN, baseDir, where });
      if (!kernel.allPlugins.some((p) => p.name === plugin.name)) await kernel.use(plugin, loadedFrom);
    }
  }
  if (named.type !== undefined && !kernel.workflows.has(named.type)) {
    await useInstalledContributor(kernel, 'workflows', named.type, { from, origin, where: `problem.type in ${source}`, choose });
  }
  for (const method of named.methods) {
    if (kernel.postprocessMethods.has(method)) continue;
    await useInstalledContributor(kernel, 'steps', method, { from, origin, where: `postprocess method "${method}" in ${source}`, choose });
  }
}
