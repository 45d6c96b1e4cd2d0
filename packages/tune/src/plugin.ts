import { definePlugin, type BiaflowPlugin } from '@biaflow/core';
import { tuneCommand } from './tune-command';
import { tuneThresholds } from './tune-thresholds';
import { TUNE_VERSION } from './version';

/** The tap that tunes a freshly trained model's thresholds (`train.tune_thresholds`, workflows that declare tunable ones). */
export const TUNE_TAP = '@biaflow/tune:tune-thresholds';

export const tunePlugin: BiaflowPlugin = definePlugin({
  name: '@biaflow/tune',
  version: TUNE_VERSION,
  core: '^0.1.0',
  description: "decoding thresholds tuned on the validation images after training (train.tune_thresholds), and biaflow tune",
  apply(kernel) {
    kernel.hooks.afterTrain.tapPromise(TUNE_TAP, async ({ run, train }) => {
      if (run.config.train.tune_thresholds && run.workflow.tunable.length) await tuneThresholds(run, run.workflow, train.modelDir);
    });
    kernel.registerCommand(tuneCommand);
  },
});
