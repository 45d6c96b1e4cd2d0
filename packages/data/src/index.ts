// @biaflow/data: a run's training data. The layouts (`imageLabelPairs`, `pointLists`,
// `classFolderLayout`) a workflow declares as its `data`; `prepareData` (list, pair, check every
// example, split, fit the normalization, write split.json) and the `BatchBuilder` it returns
// (patches, augmentation, the workflow's targets); the plugin (default export) that provides it as
// the run's data pipeline (with `issuesBeforeWork`, the checks of a config against its data's image
// headers before work) and contributes `biaflow augment-preview`.
export * from './layouts';
export { classFolders, pairByStem, listPairs, listClassFolders, listPointFiles, messageOf } from './dataset';
export { checkData, loadLabel, loadAnnotation, readExampleImage, DataCheckError, type CheckOptions, type CheckReport, type SetName as CheckSetName } from './check';
export { splitItems, splitToJson, writeSplit, type DataSplit } from './split';
export { ExampleStore, type LoadedExample, type RawExample } from './example-store';
export { BatchBuilder, type NamedBatch, type TrainingBatches, type SampleHooks, type BatchBuilderOptions } from './training-data';
export { prepareData, type PrepareDataOptions, type PreparedData, type DataConfig } from './prepare-data';
export { writeAugmentPreview, type WritePng, type PreviewOptions } from './augment-preview';
export { augmentPreviewCommand } from './augment-preview-command';
export { issuesBeforeWork } from './check-before-work';
export { dataPlugin, dataPipeline } from './plugin';
export { DATA_VERSION } from './version';

// A plugin package's default export is its plugin.
export { dataPlugin as default } from './plugin';
