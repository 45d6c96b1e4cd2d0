import type { Kernel } from '../kernel/kernel';
import type { WorkflowDriver } from '../kernel/workflow-driver';
import { predictNetwork } from './predict-network';
import { trainWorkflow } from './train-workflow';

/** Name of core's tap on a workflow's keyed hooks; a tap at a negative stage that returns a value replaces it. */
const WORKFLOW_TAP = '@biaflow/core:workflow';

/**
 * Core's implementation of a registered workflow's stages, as taps on its keyed hooks (made while
 * the workflow's plugin is applied, so an error in them names that plugin): `preprocess[name]` runs
 * its `prepareSample`, `train[name]` trains the network it declares on data laid out as it declares,
 * `infer[name]` runs its `infer` or core's tiled prediction, `evaluate[name]` its `evaluate`.
 */
export function tapWorkflowStages(kernel: Kernel, workflow: WorkflowDriver): void {
  const { hooks } = kernel;
  const { name } = workflow;
  const { prepareSample, infer, evaluate } = workflow.stages;
  const tap = { name: WORKFLOW_TAP, stage: 0 };
  if (prepareSample) hooks.preprocess.for(name).tapPromise(tap, async (sample, event) => prepareSample(sample, event));
  hooks.train.for(name).tapPromise(tap, ({ run }) => trainWorkflow(run, workflow));
  hooks.infer.for(name).tapPromise(tap, async (event) => {
    if (infer) return infer(event);
    const { run, name: image, image: input, model } = event;
    return {
      name: image,
      source: { shape: input.shape, axes: input.axes, spacing: input.spacing, dtype: input.dtype },
      probabilities: await predictNetwork(run, model, input, image),
    };
  });
  hooks.evaluate.for(name).tapPromise(tap, async (event) => evaluate(event));
}
