// @biaflow/tune: StarDist's `optimize_thresholds` for any workflow that declares tunable thresholds.
// After training (the `afterTrain` hook, when `train.tune_thresholds` is on), the validation images
// are predicted once and the configured post-processing is scored with candidate thresholds; the
// best values are written into the model's biaflow.json (`tuned`), which prediction then uses.
// `biaflow tune --out RUN` does it again for a run. The plugin is the default export.
export { tuneThresholds, MIN_TUNING_IMAGES } from './tune-thresholds';
export { tuneCommand } from './tune-command';
export { tunePlugin, TUNE_TAP } from './plugin';
export { TUNE_VERSION } from './version';

// A plugin package's default export is its plugin.
export { tunePlugin as default } from './plugin';
