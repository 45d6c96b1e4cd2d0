import { InputError, resolveModelRef, silentLogger, Tokens, UsageError, type BiaflowPlugin, type BundleMeta, type Logger, type Network, type Prediction, type ResolvedConfig, type RunContext } from '@biaflow/core';
import { activateCompute, configFromBundle, loadConfig, maxMegavoxelsFromSets, openNetwork, readModelForConfig, screenInputImage, warnPluginVersions } from '@biaflow/core/internals';
import { dtypeOf, type Image, type NdArray } from '@biaflow/image';
import { createKernel } from './default-kernel';

export interface WorkflowModelOptions {
  /** `--set`-style overrides of the training config (e.g. `postprocess=[...]`, `predict.overlap=0.5`). */
  sets?: readonly string[];
  /** Plugins given in code, applied before those the training config lists. */
  plugins?: readonly BiaflowPlugin[];
  /** Where log lines go (default: nowhere). */
  logger?: Logger;
  /** Relative paths in `sets` resolve from here (default: the working directory). */
  cwd?: string;
}

/**
 * A trained model with its workflow: the network, the config it was trained with (tiling,
 * normalization, post-processing) and the plugins that config names. What `predict(model, image)`
 * needs to return the post-processed result, as `biaflow predict` writes it.
 */
export interface WorkflowModel {
  readonly kind: 'biaflow-workflow-model';
  readonly meta: BundleMeta;
  readonly config: ResolvedConfig;
  /** The network, as the configured inference engine (`predict.engine`) opened it. */
  readonly network: Network;
  /** The context hooks are called with; its `runDir` is the model folder, where nothing is written. */
  readonly run: RunContext;
  /** Free the weights and the run's container. */
  dispose(): Promise<void>;
}

export function isWorkflowModel(value: unknown): value is WorkflowModel {
  return typeof value === 'object' && value !== null && (value as WorkflowModel).kind === 'biaflow-workflow-model';
}

/**
 * Load a model bundle (a run's `model/`, or a checkpoint folder) with its workflow: the training
 * config decides the plugins, tiling and post-processing (`sets` override them), the backend is
 * selected as `system.backend` says. `dir` may also be a model of a format an installed plugin
 * reads (a BioImage Model Zoo package folder, its `bioimageio.yaml` or its zip, with
 * `@biaflow/engine-onnx`), or the name of a model an installed package ships.
 */
export async function loadWorkflowModel(dir: string, options: WorkflowModelOptions = {}): Promise<WorkflowModel> {
  const cwd = options.cwd ?? process.cwd();
  const abs = resolveModelRef(dir, cwd);
  const { meta, formatPlugin, settingsFrom } = await readModelForConfig(abs, { cwd, plugins: options.plugins, createKernel, maxMegavoxels: maxMegavoxelsFromSets(options.sets) });
  const inline = configFromBundle(meta, abs, {}, formatPlugin);
  const { config, kernel } = await loadConfig({
    kernel: await createKernel(),
    inline,
    cwd,
    sets: options.sets,
    plugins: options.plugins,
    trust: 'saved',
    describe: settingsFrom ?? `${formatPlugin ? 'the model' : 'the model bundle'} in ${abs}`,
  });
  warnPluginVersions(meta, kernel, options.logger);
  kernel.assertHandled(config.problem.type, ['infer']);
  // The run's own log is the caller's (or none); a plugin's logger replaces it.
  const container = kernel.runContainer(config).register(Tokens.RunLog, { useValue: { logger: options.logger ?? silentLogger() } });
  const logger = container.resolve<Logger>(Tokens.Logger);
  const backend = await activateCompute(kernel, config, logger);
  const run: RunContext = {
    command: 'predict',
    kernel,
    config,
    workflow: kernel.workflow(config.problem.type),
    logger,
    runDir: abs,
    resume: false,
    tf: backend.tf,
    backend: backend.name,
    backendReason: backend.reason,
    threads: backend.threads,
    computeVersions: backend.versions,
    container,
  };
  const network = await openNetwork(run, abs);
  return {
    kind: 'biaflow-workflow-model',
    meta: network.meta,
    config,
    network,
    run,
    async dispose() {
      await network.dispose();
      await container.dispose();
    },
  };
}

/** An in-memory image: an `Image` as `readImage` returns it, or a bare array with its spatial axes first and channels (if any) last. */
export type ImageInput = NdArray & Partial<Pick<Image, 'axes' | 'spacing' | 'dtype'>>;

function asImage(input: ImageInput, ndim: 2 | 3): Image {
  if (input.axes) {
    return { ...input, axes: input.axes, spacing: input.spacing ?? input.axes.split('').map(() => null), dtype: input.dtype ?? dtypeOf(input.data) };
  }
  const rank = input.shape.length;
  const axes = rank === ndim ? (ndim === 3 ? 'ZYX' : 'YX') : rank === ndim + 1 ? (ndim === 3 ? 'ZYXC' : 'YXC') : undefined;
  if (!axes) {
    throw new InputError(
      `predict: the image has shape [${input.shape}] but this ${ndim}D model takes [${ndim === 3 ? 'z, y, x' : 'y, x'}] or [${ndim === 3 ? 'z, y, x' : 'y, x'}, channels]; pass axes for other layouts`,
    );
  }
  return { data: input.data, shape: input.shape, axes, spacing: axes.split('').map(() => null), dtype: input.dtype ?? dtypeOf(input.data) };
}

/**
 * The post-processed result of one image of any size: the workflow's `infer` (tiled, normalized
 * as in training) then every `postprocess` step, exactly what `biaflow predict` writes — labels
 * (class maps, object labels), points or a class, as the workflow's output is, plus the network output.
 */
export async function predictWithWorkflow(model: WorkflowModel, input: ImageInput, name = 'image'): Promise<Prediction> {
  const { run } = model;
  // NaN or infinite pixels: an InputError naming the image, or replaced and logged, as data.nan says (`sets`).
  const image = screenInputImage(asImage(input, run.config.problem.ndim), name, run.config.data.nan, run.logger);
  const raw = await run.kernel.hooks.infer.for(run.config.problem.type).promise({ run, name, image, model: model.network });
  if (!raw) throw new UsageError(`no loaded plugin predicts ${run.config.problem.type} images (loaded: ${run.kernel.plugins.map((p) => p.name).join(', ')})`);
  return run.kernel.hooks.postprocess.promise(raw, { run });
}
