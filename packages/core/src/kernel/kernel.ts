import semver from 'semver';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { ZodType } from 'zod';
import { BiaflowError, UsageError } from '../errors';
import { CORE_NAME, CORE_VERSION } from '../version';
import { createHooks, KEYED_HOOKS, type KernelHooks, type KeyedHookName } from './hooks';
import { interceptPluginErrors } from './intercept-plugin-errors';
import { wrapPluginError } from './plugin-error';
import type { BiaflowPlugin } from './plugin';
import type { PostprocessMethod, RegisteredPostprocessMethod } from './postprocess-method';
import type { ProblemType } from './stages';
import { Tokens } from './tokens';

/** A plugin as loaded, with where it came from. */
export interface LoadedPlugin {
  name: string;
  version: string;
  core: string;
  /** Package name or file it was loaded from; `inline` for objects passed in code. */
  source: string;
}

/** A config section contributed by a plugin. */
export interface ConfigSection {
  key: string;
  schema: ZodType;
  plugin: string;
}

export const FIRST_PARTY_WORKFLOWS: Record<ProblemType, string> = {
  semantic: '@biaflow/plugin-semantic',
  instance: '@biaflow/plugin-instance',
  detection: '@biaflow/plugin-detection',
  classification: '@biaflow/plugin-classification',
};

/**
 * The microkernel: lifecycle hooks, the plugins applied to them, the registries plugins fill
 * (config sections, post-processing methods) and the run's DI container. It knows no workflow.
 */
export class Kernel {
  readonly hooks: KernelHooks;
  readonly container: DependencyContainer;
  private readonly loaded: LoadedPlugin[] = [];
  private readonly sections = new Map<string, ConfigSection>();
  private readonly methods = new Map<string, RegisteredPostprocessMethod>();
  /** The plugin whose `apply` is running: taps registered now belong to it. */
  private applying: string | undefined;

  constructor(parent: DependencyContainer = rootContainer) {
    this.container = parent.createChildContainer();
    this.container.register(Tokens.Kernel, { useValue: this });
    this.hooks = createHooks();
    interceptPluginErrors(this.hooks, (tapName) => this.applying ?? tapName);
  }

  get plugins(): readonly LoadedPlugin[] {
    return this.loaded;
  }

  /** Apply a plugin: check its core range and name, then let it register. */
  async use(plugin: BiaflowPlugin, source = 'inline'): Promise<void> {
    const where = source === 'inline' ? '' : ` (from ${source})`;
    if (!plugin.core || !semver.validRange(plugin.core)) {
      throw new UsageError(
        `plugin "${plugin.name}"${where} does not declare a valid core range (got ${JSON.stringify(plugin.core)})`,
        `a plugin must set core: a semver range of ${CORE_NAME} it supports, e.g. "^${CORE_VERSION}"`,
      );
    }
    if (!semver.satisfies(CORE_VERSION, plugin.core, { includePrerelease: true })) {
      throw new UsageError(
        `plugin "${plugin.name}" ${plugin.version}${where} requires ${CORE_NAME} ${plugin.core}, but ${CORE_NAME} ${CORE_VERSION} is running`,
        `install a version of "${plugin.name}" made for ${CORE_NAME} ${CORE_VERSION}, or a core in ${plugin.core}`,
      );
    }
    const twin = this.loaded.find((p) => p.name === plugin.name);
    if (twin) {
      throw new UsageError(
        `plugin "${plugin.name}" is loaded twice (from ${twin.source} and from ${source})`,
        'list each plugin once under plugins:',
      );
    }
    this.loaded.push({ name: plugin.name, version: plugin.version, core: plugin.core, source });
    this.applying = plugin.name;
    try {
      await plugin.apply(this);
    } catch (e) {
      throw wrapPluginError(plugin.name, 'apply', e);
    } finally {
      this.applying = undefined;
    }
  }

  /** Add a top-level config section (`instance:`) validated by `schema`. */
  registerConfigSection(key: string, schema: ZodType): void {
    const owner = this.owner('registerConfigSection');
    const existing = this.sections.get(key);
    if (existing) {
      throw new BiaflowError(`config section "${key}" is registered by both "${existing.plugin}" and "${owner}"`);
    }
    this.sections.set(key, { key, schema, plugin: owner });
  }

  get configSections(): readonly ConfigSection[] {
    return [...this.sections.values()];
  }

  /** Register a named post-processing step; errors it throws are reported with the plugin's name. */
  registerPostprocess<O>(method: PostprocessMethod<O>): void {
    const owner = this.owner('registerPostprocess');
    const existing = this.methods.get(method.name);
    if (existing) {
      throw new BiaflowError(
        `post-processing method "${method.name}" is registered by both "${existing.plugin}" and "${owner}"`,
      );
    }
    const hook = `postprocess:${method.name}`;
    const run: PostprocessMethod<O>['run'] = async (prediction, options, event) => {
      try {
        return await method.run(prediction, options, event);
      } catch (e) {
        throw wrapPluginError(owner, hook, e);
      }
    };
    this.methods.set(method.name, { ...method, run, plugin: owner } as RegisteredPostprocessMethod);
  }

  get postprocessMethods(): ReadonlyMap<string, RegisteredPostprocessMethod> {
    return this.methods;
  }

  /** True when some plugin taps the keyed hook for this problem type. */
  handles(hook: KeyedHookName, problem: string): boolean {
    return this.hooks[hook].get(problem)?.isUsed() ?? false;
  }

  /**
   * Fail loudly, before any work, when no loaded plugin handles a stage of the configured problem,
   * naming what is loaded and what to install.
   */
  assertHandled(problem: ProblemType, hooks: readonly KeyedHookName[] = KEYED_HOOKS): void {
    const missing = hooks.filter((h) => !this.handles(h, problem));
    if (missing.length === 0) return;
    const loaded = this.loaded.length ? this.loaded.map((p) => `${p.name}@${p.version}`).join(', ') : 'none';
    const pkg = FIRST_PARTY_WORKFLOWS[problem];
    throw new UsageError(
      `no loaded plugin handles problem type "${problem}" (hooks without a handler: ${missing.join(', ')}); loaded plugins: ${loaded}`,
      `install the workflow plugin with \`npm i ${pkg}\` and list it under plugins: in the config`,
    );
  }

  private owner(what: string): string {
    if (!this.applying) {
      throw new BiaflowError(`${what} must be called from a plugin's apply()`);
    }
    return this.applying;
  }
}
