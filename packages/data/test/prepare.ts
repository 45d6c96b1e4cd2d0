import { createHooks, silentLogger, Tokens, type DataIO, type Kernel, type RandomSource, type ResolvedConfig, type RunContext } from '@biaflow/core/internals';
import { prepareData, type DataConfig, type PrepareDataOptions, type PreparedData } from '@biaflow/data';
import { createKernel } from 'biaflow';

/** The first-party workflow packages these tests drive the data pipeline of. */
const WORKFLOW_PACKAGES: Record<string, string> = {
  semantic: '@biaflow/plugin-semantic',
  instance: '@biaflow/plugin-instance',
  detection: '@biaflow/plugin-detection',
  classification: '@biaflow/plugin-classification',
};

/**
 * `prepareData` as a run of `config.problem.type` calls it: the workflow's data layout and label
 * mapping, core's augmentation tap, the run's random source. The targets are the labels themselves
 * (core's pipeline on its own) unless `workflowTargets` asks for the workflow's `preprocess` too.
 * `kernel` may carry extra taps (it gets core's behaviour and the workflow when it lacks them).
 */
export async function prepareFor(
  config: DataConfig | ResolvedConfig,
  extra: Partial<PrepareDataOptions> & { kernel?: Kernel; workflowTargets?: boolean } = {},
): Promise<PreparedData> {
  const { kernel: given, workflowTargets = false, ...options } = extra;
  const kernel = given ?? (await createKernel());
  const type = (config as ResolvedConfig).problem.type;
  if (!kernel.workflows.has(type)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const factory = require(WORKFLOW_PACKAGES[type]).default as () => Parameters<Kernel['use']>[0];
    await kernel.use(factory());
  }
  const workflow = kernel.workflow(type);
  const run = { config, kernel, container: kernel.runContainer(config as ResolvedConfig), logger: silentLogger() } as unknown as RunContext;
  return prepareData({
    config,
    layout: workflow.data,
    labelMapping: workflow.labelMapping,
    io: run.container.resolve<DataIO>(Tokens.DataIO),
    random: run.container.resolve<RandomSource>(Tokens.Random),
    hooks: { hooks: workflowTargets ? kernel.hooks : { augment: kernel.hooks.augment, preprocess: createHooks().preprocess }, event: { run }, workflow: type },
    ...options,
  });
}
