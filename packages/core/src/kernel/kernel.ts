import semver from 'semver';
import { container as rootContainer, Lifecycle, type DependencyContainer, type InjectionToken } from 'tsyringe';
import type { ZodRawShape, ZodType } from 'zod';
import { BiaflowError, UsageError } from '../errors';
import { CORE_NAME, CORE_VERSION } from './version';
import type { ConfigSection, SectionExtension } from './config-sections';
import type { ResolvedConfig } from './config/schema';
import type { CommandContribution } from './contributions/command';
import type { ImageReader, ImageWriter, PointsFormat } from './contributions/image-io';
import type { InferenceEngine } from './contributions/inference-engine';
import type { ModelFormat } from './contributions/model-format';
import type { ComputeBackend } from './contributions/compute-backend';
import type { NetworkDefinition } from './contributions/network';
import type { OutputKind } from './contributions/output-kind';
import type { TrainingEngine } from './contributions/training-engine';
import type { RegisteredWorkflow, WorkflowDefinition } from './contributions/workflow';
import { FIRST_PARTY_WORKFLOWS } from './first-party';
import { createHooks, KEYED_HOOKS, type KernelHooks, type KeyedHookName } from './hooks';
import { interceptPluginErrors } from './intercept-plugin-errors';
import { wrapPluginError } from './plugin-error';
import type { BiaflowPlugin } from './plugin';
import type { PostprocessMethod, RegisteredPostprocessMethod } from './postprocess-method';
import { PREDICTION_FIELDS, unknownPredictionFields } from './prediction-field';
import { Tokens } from './tokens';
import { WorkflowDriver } from './workflow-driver';

// The files this one imports name the Kernel through NamedAbove (no import back up: named-above.ts).
declare module './named-above' {
  interface NamedAbove {
    kernel: Kernel;
  }
}

/** A plugin as loaded, with where it came from. */
export interface LoadedPlugin {
  name: string;
  version: string;
  core: string;
  /** Package name or file it was loaded from; `inline` for objects passed in code. */
  source: string;
}


/** What plugins register in the run's container. */
type Service = ImageReader | ImageWriter | PointsFormat | InferenceEngine | ModelFormat | TrainingEngine | ComputeBackend | NetworkDefinition | OutputKind;

/** The kinds of services plugins register in the run's container. */
type ServiceKind = 'readers' | 'writers' | 'points' | 'engines' | 'formats' | 'trainers' | 'backends' | 'networks' | 'outputs';

/** Which plugin registered a service, as the container holds it beside the service (`Tokens.Contribution`). */
interface Contribution {
  kind: ServiceKind;
  plugin: string;
  value: Service;
}

/** A command as registered, with its plugin. */
export interface RegisteredCommand extends CommandContribution {
  plugin: string;
}

/** What registers the per-workflow taps: core's implementation of a workflow's stages (set by core's built-in plugin). */
type WorkflowTapper = (kernel: Kernel, workflow: WorkflowDriver) => void;

export type { ConfigSection, SectionExtension };

/**
 * The microkernel: lifecycle hooks, the plugins applied to them, the registries plugins fill
 * (workflows, config sections, post-processing methods, commands) and the DI container, where the
 * services live (image readers and writers, engines, progress, randomness, logger…), each with the
 * plugin that registered it; a run's child container (`runContainer`) builds the run's services from
 * them. It knows no workflow: each one is a plugin's declaration.
 */
export class Kernel {
  readonly hooks: KernelHooks;
  readonly container: DependencyContainer;
  private readonly loaded: LoadedPlugin[] = [];
  private readonly defaults: LoadedPlugin[] = [];
  private readonly sections = new Map<string, ConfigSection>();
  private readonly extensions: SectionExtension[] = [];
  private readonly methods = new Map<string, RegisteredPostprocessMethod>();
  private readonly workflowsByName = new Map<string, RegisteredWorkflow>();
  private readonly drivers = new WeakMap<RegisteredWorkflow, WorkflowDriver>();
  private readonly commandsByName = new Map<string, RegisteredCommand>();
  private workflowTapper: WorkflowTapper | undefined;
  /** The plugin whose `apply` is running: taps registered now belong to it. */
  private applying: string | undefined;

  constructor(parent: DependencyContainer = rootContainer) {
    this.container = parent.createChildContainer();
    this.hooks = createHooks();
    interceptPluginErrors(this.hooks, (tapName) => this.applying ?? tapName);
  }

  /** The plugins a config, the command line or code loaded (not the distribution's defaults). */
  get plugins(): readonly LoadedPlugin[] {
    return this.loaded;
  }

  /** The plugins the distribution applies to every kernel (`useDefault`): image files, the training engine… */
  get defaultPlugins(): readonly LoadedPlugin[] {
    return this.defaults;
  }

  /** Every plugin applied: the distribution's defaults, then those loaded for the config. */
  get allPlugins(): readonly LoadedPlugin[] {
    return [...this.defaults, ...this.loaded];
  }

  /**
   * Apply a plugin every run of the distribution has (the `biaflow` package applies its image files and
   * training engine this way): checked and applied like any plugin, but not listed among the plugins
   * a config loaded, so a model's `plugins` list names only what its workflow needs.
   */
  async useDefault(plugin: BiaflowPlugin, source = 'inline'): Promise<void> {
    await this.apply(plugin, source, this.defaults);
  }

  /** Apply a plugin: check its core range and name, then let it register. */
  async use(plugin: BiaflowPlugin, source = 'inline'): Promise<void> {
    await this.apply(plugin, source, this.loaded);
  }

  private async apply(plugin: BiaflowPlugin, source: string, list: LoadedPlugin[]): Promise<void> {
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
    const twin = [...this.defaults, ...this.loaded].find((p) => p.name === plugin.name);
    if (twin) {
      throw new UsageError(
        `plugin "${plugin.name}" is loaded twice (from ${twin.source} and from ${source})`,
        'list each plugin once under plugins:',
      );
    }
    list.push({ name: plugin.name, version: plugin.version, core: plugin.core, source });
    await this.applyAs(plugin.name, () => plugin.apply(this));
  }

  /**
   * Apply core's own behaviour (its taps and default services) as a built-in plugin, webpack's way:
   * it is not listed among the loaded plugins, and `tapper` is how it implements a workflow's stages.
   */
  async useBuiltIn(plugin: BiaflowPlugin, tapper: WorkflowTapper): Promise<void> {
    this.workflowTapper = tapper;
    await this.applyAs(plugin.name, () => plugin.apply(this));
    for (const name of this.workflowsByName.keys()) await this.applyAs(this.workflow(name).plugin, () => tapper(this, this.workflow(name)));
  }

  private async applyAs(name: string, apply: () => void | Promise<void>): Promise<void> {
    const previous = this.applying;
    this.applying = name;
    try {
      await apply();
    } catch (e) {
      throw wrapPluginError(name, 'apply', e);
    } finally {
      this.applying = previous;
    }
  }

  /** Add a top-level config section validated by `schema`. */
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

  /** Add keys to one of core's sections (`metrics:`), at their documented key paths. */
  extendConfigSection(section: string, shape: ZodRawShape): void {
    const owner = this.owner('extendConfigSection');
    for (const key of Object.keys(shape)) {
      const twin = this.extensions.find((e) => e.section === section && key in e.shape);
      if (twin) throw new BiaflowError(`config key "${section}.${key}" is registered by both "${twin.plugin}" and "${owner}"`);
    }
    this.extensions.push({ section, shape, plugin: owner });
  }

  get sectionExtensions(): readonly SectionExtension[] {
    return this.extensions;
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
    checkFields(`post-processing method "${method.name}" of "${owner}"`, 'takes', method.takes);
    checkFields(`post-processing method "${method.name}" of "${owner}"`, 'gives', method.gives);
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

  /**
   * Register a workflow: `problem.type: <name>` then runs it. Its config section is registered, and
   * core taps `preprocess[name]`, `train[name]`, `infer[name]` and `evaluate[name]` with its
   * implementation of the declared stages.
   */
  registerWorkflow(definition: WorkflowDefinition): void {
    const owner = this.owner('registerWorkflow');
    // Read through its driver, as everywhere (docs/plugins.md, "The workflow driver").
    const workflow: RegisteredWorkflow = { ...definition, plugin: owner };
    const driver = new WorkflowDriver(workflow);
    const existing = this.workflowsByName.has(driver.name) ? this.workflow(driver.name) : undefined;
    if (existing) throw new BiaflowError(`workflow "${driver.name}" is registered by both "${existing.plugin}" and "${owner}"`);
    checkFields(`workflow "${driver.name}" of "${owner}"`, 'gives', driver.gives);
    this.workflowsByName.set(driver.name, workflow);
    this.drivers.set(workflow, driver);
    if (driver.section) this.registerConfigSection(driver.section.key, driver.section.schema);
    this.workflowTapper?.(this, driver);
  }

  /** The registered workflows by name, each through its driver. */
  get workflows(): ReadonlyMap<string, WorkflowDriver> {
    return new Map([...this.workflowsByName.keys()].map((name) => [name, this.workflow(name)]));
  }

  /**
   * The driver of a `problem.type`'s workflow: the one way core uses a workflow's declaration (every
   * field read or called through it); a usage error naming the installed ones when there is none.
   */
  workflow(name: string): WorkflowDriver {
    const found = this.workflowsByName.get(name);
    if (!found) throw unknownWorkflow(name, [...this.workflowsByName.keys()], this.loaded);
    let driver = this.drivers.get(found);
    if (!driver) {
      driver = new WorkflowDriver(found);
      this.drivers.set(found, driver);
    }
    return driver;
  }



  /** Register a CLI command (listed in the plugin's manifest, so `biaflow --help` shows it without loading the plugin). */
  registerCommand(command: CommandContribution): void {
    const owner = this.owner('registerCommand');
    const existing = this.commandsByName.get(command.name);
    if (existing) throw new BiaflowError(`command "${command.name}" is registered by both "${existing.plugin}" and "${owner}"`);
    this.commandsByName.set(command.name, { ...command, plugin: owner });
  }

  get commands(): ReadonlyMap<string, RegisteredCommand> {
    return this.commandsByName;
  }

  /** Add an image format the run reads (a later reader for the same format takes precedence). */
  registerImageReader(reader: ImageReader): void {
    this.contribute('readers', Tokens.ImageReader, reader, this.owner('registerImageReader'));
  }

  /** Add an image format the run writes (by extension; the last registered wins). */
  registerImageWriter(writer: ImageWriter): void {
    this.contribute('writers', Tokens.ImageWriter, writer, this.owner('registerImageWriter'));
  }

  /** Add a point-list file format (labels and results of point workflows), chosen by extension (the last registered wins). */
  registerPointsFormat(format: PointsFormat): void {
    this.contribute('points', Tokens.PointsFormat, format, this.owner('registerPointsFormat'));
  }

  /** Add a training engine: the loop that trains networks (`TrainingEngine`); the last registered is used. */
  registerTrainingEngine(engine: TrainingEngine): void {
    this.contribute('trainers', Tokens.TrainingEngine, engine, this.owner('registerTrainingEngine'));
  }

  /** Add what runs compute with (tfjs and its backend, `ComputeBackend`); the last registered is used. */
  registerComputeBackend(backend: ComputeBackend): void {
    this.contribute('backends', Tokens.ComputeBackend, backend, this.owner('registerComputeBackend'));
  }

  /**
   * Add a network architecture a config can name (`model.architecture`), for every workflow. Two
   * plugins registering one name is an error naming both.
   */
  registerNetwork(network: NetworkDefinition): void {
    const owner = this.owner('registerNetwork');
    const twin = this.contributions('networks').find((c) => (c.value as NetworkDefinition).name === network.name);
    if (twin) throw new BiaflowError(`network "${network.name}" is registered by both "${twin.plugin}" and "${owner}"`);
    this.contribute('networks', Tokens.Network, network, owner);
  }

  /** The networks registered, by name. */
  get networks(): ReadonlyMap<string, NetworkDefinition> {
    return new Map(this.resolveAll<NetworkDefinition>(Tokens.Network).map((n) => [n.name, n]));
  }

  /**
   * Add a kind of result workflows can declare as their `output` (how one image's result is filed
   * and written). Two plugins registering one name is an error naming both.
   */
  registerOutputKind(kind: OutputKind): void {
    const owner = this.owner('registerOutputKind');
    const twin = this.contributions('outputs').find((c) => (c.value as OutputKind).name === kind.name);
    if (twin) throw new BiaflowError(`output kind "${kind.name}" is registered by both "${twin.plugin}" and "${owner}"`);
    if (kind.field !== undefined) checkFields(`output kind "${kind.name}" of "${owner}"`, 'field', [kind.field]);
    this.contribute('outputs', Tokens.OutputKind, kind, owner);
  }

  /** The output kinds registered, by name, in registration order. */
  get outputKinds(): ReadonlyMap<string, OutputKind> {
    return new Map(this.resolveAll<OutputKind>(Tokens.OutputKind).map((k) => [k.name, k]));
  }

  /** Add an inference engine, chosen by `predict.engine` (a later one with the same name replaces it). */
  registerInferenceEngine(engine: InferenceEngine): void {
    this.contribute('engines', Tokens.InferenceEngine, engine, this.owner('registerInferenceEngine'));
  }

  /**
   * Add a model format (`predict --model`, `model.load` and `loadWorkflowModel` then accept its
   * models); formats registered later are asked first whether they recognize a model.
   */
  registerModelFormat(format: ModelFormat): void {
    this.contribute('formats', Tokens.ModelFormat, format, this.owner('registerModelFormat'));
  }

  /** The plugin that registered a model format (to name it in a saved config). */
  pluginOfFormat(format: ModelFormat): string | undefined {
    return this.contributions('formats').find((c) => c.value === format)?.plugin;
  }

  /** The readers, writers, engines or model formats a plugin registered (for its manifest, and listings). */
  contributionsOf(kind: 'readers', plugin: string): ImageReader[];
  contributionsOf(kind: 'writers', plugin: string): ImageWriter[];
  contributionsOf(kind: 'points', plugin: string): PointsFormat[];
  contributionsOf(kind: 'engines', plugin: string): InferenceEngine[];
  contributionsOf(kind: 'formats', plugin: string): ModelFormat[];
  contributionsOf(kind: 'trainers', plugin: string): TrainingEngine[];
  contributionsOf(kind: 'backends', plugin: string): ComputeBackend[];
  contributionsOf(kind: 'networks', plugin: string): NetworkDefinition[];
  contributionsOf(kind: 'outputs', plugin: string): OutputKind[];
  contributionsOf(kind: ServiceKind, plugin: string): Service[] {
    return this.contributions(kind).filter((c) => c.plugin === plugin).map((c) => c.value);
  }

  /** A service and, beside it in the container, which plugin registered it. */
  private contribute(kind: ServiceKind, token: symbol, value: Service, plugin: string): void {
    this.container.register(token, { useValue: value });
    this.container.register<Contribution>(Tokens.Contribution, { useValue: { kind, plugin, value } });
  }

  private contributions(kind: ServiceKind): Contribution[] {
    return this.resolveAll<Contribution>(Tokens.Contribution).filter((c) => c.kind === kind);
  }

  /** Provide (or replace) a single service as it is: `Tokens.Progress`, `Tokens.Random`, `Tokens.Logger`… */
  provide<T>(token: InjectionToken<T>, value: T): void {
    this.owner('provide');
    this.container.register(token, { useValue: value });
  }

  /**
   * Provide (or replace) a single service the run's container builds: `Class` is `@injectable()` and
   * each constructor parameter names its token (`@inject(Tokens.Logger)`, `@injectAll(Tokens.ImageReader)`),
   * so it gets the run's services. Built once per run, unless `lifecycle` says otherwise.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  provideClass<T>(token: InjectionToken<T>, Class: new (...args: any[]) => T, lifecycle = Lifecycle.ContainerScoped): void {
    this.owner('provideClass');
    this.container.register(token, { useClass: Class }, { lifecycle });
  }

  /** A run's own child container, holding its config (`Tokens.Config`): it builds the run's services. */
  runContainer(config: ResolvedConfig): DependencyContainer {
    return this.container.createChildContainer().register(Tokens.Config, { useValue: config });
  }

  /** All services registered for a token, in registration order (readers, writers, engines, model formats). */
  resolveAll<T>(token: InjectionToken<T>): T[] {
    return this.container.isRegistered(token, true) ? this.container.resolveAll<T>(token) : [];
  }

  /** True when some plugin taps the keyed hook for this workflow. */
  handles(hook: KeyedHookName, problem: string): boolean {
    return this.hooks[hook].get(problem)?.isUsed() ?? false;
  }

  /**
   * Fail loudly, before any work, when no loaded plugin handles a stage of the configured workflow,
   * naming what is loaded and what to install.
   */
  assertHandled(problem: string, hooks: readonly KeyedHookName[] = KEYED_HOOKS): void {
    const missing = hooks.filter((h) => !this.handles(h, problem));
    if (missing.length === 0) return;
    const loaded = this.loaded.length ? this.loaded.map((p) => `${p.name}@${p.version}`).join(', ') : 'none';
    const pkg = FIRST_PARTY_WORKFLOWS[problem];
    throw new UsageError(
      `no loaded plugin handles problem type "${problem}" (hooks without a handler: ${missing.join(', ')}); loaded plugins: ${loaded}`,
      pkg
        ? `install the workflow plugin with \`npm i ${pkg}\` (it loads by itself once installed)`
        : 'install the package that provides this workflow (it is found by its package.json manifest), or list its plugin under plugins: in the config',
    );
  }

  private owner(what: string): string {
    if (!this.applying) {
      throw new BiaflowError(`${what} must be called from a plugin's apply()`);
    }
    return this.applying;
  }
}

/**
 * A declaration of prediction fields (a step's `takes`/`gives`, a workflow's `gives`, an output kind's
 * `field`) must be a list of known fields: a misspelt one would make the post-processing check wrong.
 */
function checkFields(who: string, key: string, fields: unknown): void {
  if (fields === undefined) return;
  if (!Array.isArray(fields)) throw new BiaflowError(`${who}: \`${key}\` must be a list of prediction fields (${PREDICTION_FIELDS.join(', ')})`);
  const unknown = unknownPredictionFields(fields);
  if (unknown.length) {
    throw new BiaflowError(`${who}: \`${key}\` names ${unknown.map((f) => `"${f}"`).join(', ')}, which ${unknown.length === 1 ? 'is no' : 'are no'} prediction field; the fields are ${PREDICTION_FIELDS.join(', ')}`);
  }
}

/** `problem.type` names no registered workflow: say which are installed and, for a first-party name, what to install. */
function unknownWorkflow(name: string, installed: readonly string[], loaded: readonly LoadedPlugin[] = []): UsageError {
  const pkg = FIRST_PARTY_WORKFLOWS[name];
  const list = installed.length ? installed.join(', ') : 'none';
  return new UsageError(
    `problem.type "${name}" is not a registered workflow (installed workflows: ${list}${loaded.length ? `; loaded plugins: ${loaded.map((p) => p.name).join(', ')}` : ''})`,
    pkg
      ? `install the workflow plugin with \`npm i ${pkg}\` (it loads by itself once installed)`
      : 'install the package that provides this workflow (it is found by its package.json manifest), or list its plugin under plugins: in the config',
  );
}
