import { definePlugin, Tokens, type BiaflowPlugin, type DataPipeline, type ProgressSink } from '@biaflow/core';
import { augmentPreviewCommand } from './augment-preview-command';
import { issuesBeforeWork } from './check-before-work';
import { prepareData } from './prepare-data';
import { runDataOptions } from './run-data-options';
import { DATA_VERSION } from './version';

/**
 * The run's data pipeline: the checks of a config against its data's image headers before work; the
 * workflow's layout, label mapping and hooks, the run's files, random source, progress and split.json.
 */
export const dataPipeline: DataPipeline = {
  checkBeforeWork: issuesBeforeWork,
  prepareTraining: (run, workflow, options) =>
    prepareData({
      ...runDataOptions(run, workflow),
      progress: run.container.resolve<ProgressSink>(Tokens.Progress),
      signal: run.signal,
      checkLabelValues: options.checkLabelValues,
    }),
};

export const dataPlugin: BiaflowPlugin = definePlugin({
  name: '@biaflow/data',
  version: DATA_VERSION,
  core: '^0.1.0',
  description: "training data: checked, split and batched as the workflow's layout says; biaflow augment-preview",
  apply(kernel) {
    kernel.provide(Tokens.DataPipeline, dataPipeline);
    kernel.registerCommand(augmentPreviewCommand);
  },
});
