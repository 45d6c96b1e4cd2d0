import type { RunContext } from '../kernel/run-context';
import { planPostprocess } from './postprocess-plan';

/** Name of core's own tap on `postprocess`: plugins tap with a lower stage to run before it, higher after. */
export const CONFIGURED_STEPS_TAP = '@biaflow/core:postprocess-steps';

/**
 * Tap the configured `postprocess:` list (with the workflow's default decoding inserted) onto the
 * run's `postprocess` hook, at stage 0.
 */
export function tapConfiguredSteps(run: RunContext): void {
  const { plan } = planPostprocess(run.config.postprocess, run.kernel, run.config.problem.type);
  run.kernel.hooks.postprocess.tapPromise({ name: CONFIGURED_STEPS_TAP, stage: 0 }, async (prediction, event) => {
    let current = prediction;
    for (const step of plan) current = await step.method.run(current, step.options, event);
    return current;
  });
}
