import type { AugmentSettings } from '@biaflow/core/internals';
import type { ProgressSink } from '@biaflow/core/internals';
import { stopIfAsked } from '@biaflow/core/internals';
import type { DataSettings } from '@biaflow/core/internals';
import { ConfigError, type ConfigIssue } from '@biaflow/core/internals';
import { pointMask, type PointList } from '@biaflow/image';
import type { RandomSource } from '@biaflow/image';
import type { Logger } from '@biaflow/core/internals';
import { checkData, DataCheckError, loadAnnotation, readExampleImage } from './check';
import type { DataIO } from '@biaflow/core/internals';
import type { DataProblem } from '@biaflow/core/internals';
import type { DataLayout } from '@biaflow/core/internals';
import { coreRandom } from '@biaflow/image';
import { ExampleStore, type RawExample } from './example-store';
import { LabelValues, mappingToJson, resolveLabelMapping, type LabelMapping } from '@biaflow/image';
import { dtypeOf } from '@biaflow/image';
import { logReplacement } from '@biaflow/core/internals';
import { NormalizationFitter, ImageNormalizer, type NormalizationRecord } from '@biaflow/image';
import { splitItems, writeSplit, type DataSplit } from './split';
import { BatchBuilder, type SampleHooks } from './training-data';

/** The config keys the data pipeline reads (a resolved config has them all). */
export interface DataConfig {
  problem: { ndim: 2 | 3 };
  system: { seed: number };
  data: DataSettings;
  train: { batch_size: number };
  augment: AugmentSettings;
}

export interface PrepareDataOptions {
  config: DataConfig;
  /** How the workflow's data is laid out (its declaration's `data`). */
  layout: DataLayout;
  /** The workflow's own mapping of stored label values, used when `data.labels.mapping` is not set. */
  labelMapping?: (values: readonly number[]) => LabelMapping | undefined;
  /** Where files are read from (a run's: `Tokens.DataIO` from its container). */
  io: DataIO;
  /** Where random choices come from (split, patches, augmentation); default core's. */
  random?: RandomSource;
  /** Where `split.json` is written (the run folder's), when it is. */
  splitFile?: string;
  /** The run's hooks (plugins' augment taps, the workflow's preprocess). */
  hooks?: SampleHooks;
  logger?: Logger;
  /** Where reading and checking the examples is reported as it goes (the run's progress sink). */
  progress?: ProgressSink;
  /** Aborted when the run is asked to stop: checked after each example. */
  signal?: AbortSignal;
  /**
   * The workflow's check of one training or validation label's distinct values, after the label
   * mapping (e.g. class indices below the class count). A message is reported with the
   * file among the other data problems, before any training.
   */
  checkLabelValues?: (values: readonly number[]) => string | undefined;
}

export interface PreparedData {
  split: DataSplit;
  /** Batches for the trainer. */
  training: BatchBuilder;
  /** Store in the model bundle: prediction normalizes with it. */
  normalization: NormalizationRecord;
  /** Label values replaced before training (store in the bundle too), or null. */
  labelMapping: Record<string, number> | null;
  classes?: string[];
  channels: number;
  /** The sample type of the training images (`uint8`…), null when they differ; stored in the model bundle. */
  inputDtype: string | null;
  /** Path of split.json, when a run folder was given. */
  splitFile?: string;
}

/**
 * From config to batches: list and pair the files, split off validation, check every pair (all
 * problems at once, exit 2, before any training), decide the label mapping, fit the normalization,
 * write `split.json`, and return the batch builder.
 */
export async function prepareData(options: PrepareDataOptions): Promise<PreparedData> {
  const { config, logger, layout } = options;
  const { io } = options;
  const random = options.random ?? coreRandom;
  const data = config.data;
  const ndim = config.problem.ndim;
  const seed = config.system.seed;
  const patchSize = data.patch_size;
  if (!patchSize) throw new ConfigError([{ path: 'data.patch_size', message: 'is not set' }]);

  const issues: ConfigIssue[] = [];
  const needsLabels = layout.labels !== 'none';
  if (!data.train.images) issues.push({ path: 'data.train.images', message: 'is required to train: the folder of training images' });
  if (needsLabels && !data.train.labels) issues.push({ path: 'data.train.labels', message: 'is required to train: the folder of training labels' });
  if (needsLabels && data.val.images && !data.val.labels) issues.push({ path: 'data.val.labels', message: 'is required with data.val.images: validation images need labels' });
  if (issues.length) throw new ConfigError(issues);

  const problems: DataProblem[] = [];
  const train = layout.list('training', data.train.images, data.train.labels, io);
  problems.push(...train.problems);
  const classes = train.classes;
  let split: DataSplit;
  if (data.val.images) {
    const val = layout.list('validation', data.val.images, data.val.labels, io, classes);
    problems.push(...val.problems);
    split = { seed, validation: { source: 'folder' }, classes, train: train.items, val: val.items, test: [] };
    note(logger, val.unmatchedLabels);
  } else {
    const parts = splitItems(train.items, data.val.split, seed, random);
    const source = parts.val.length ? 'split' : 'none';
    split = { seed, validation: { source, fraction: data.val.split }, classes, ...parts, test: [] };
    if (source === 'none' && train.items.length) {
      logger?.warn({ event: 'no-validation' }, 'only one training image and no data.val.images: training runs without validation');
    }
  }
  const test = layout.list('test', data.test.images, data.test.labels, io, classes);
  problems.push(...test.problems);
  split.test = test.items;
  note(logger, [...train.unmatchedLabels, ...test.unmatchedLabels]);

  const fitter = new NormalizationFitter(data.normalization, ndim, split.train.length);
  const preloaded = { train: new Map<number, RawExample>(), val: new Map<number, RawExample>() };
  const index = { train: indexOf(split.train), val: indexOf(split.val) };
  // Distinct values per label file, checked once the mapping is known (it depends on them all).
  const valuesByLabel = new Map<string, LabelValues>();
  const trainDtypes = new Set<string>();
  const total = split.train.length + split.val.length + split.test.length;
  const task = options.progress?.start({ id: 'check-data', label: 'read and check data', total, unit: 'images' });
  const report = await checkData(
    split,
    {
      labels: layout.labels,
      ndim,
      channels: data.channels,
      requireLabels: { val: true, test: Boolean(data.test.labels) },
      nan: data.nan,
      // A test image's replacement is told when it is predicted (prediction replaces it again).
      onReplaced: (set, item, replaced) => {
        if (set !== 'test') logReplacement(logger, item.image, replaced);
      },
      onLoaded: (set, item, image, label, points) => {
        if (set === 'test') return;
        if (options.checkLabelValues && (label || points) && item.label) {
          const values = new LabelValues();
          values.add((label ?? pointMask(points as PointList, image.shape.slice(0, ndim))).data);
          valuesByLabel.set(item.label, values);
        }
        if (set === 'train') {
          fitter.add(image);
          trainDtypes.add(dtypeOf(image.data));
        }
        if (data.in_memory) preloaded[set].set(index[set].get(item.image) as number, { image, label, points });
      },
      onChecked: (done, all) => {
        task?.update(done);
        stopIfAsked(options.signal, () => {
          task?.end();
          return { at: `while reading the data (${done} of ${all} images checked)`, resumeFrom: 'the start (nothing was trained yet)' };
        });
      },
    },
    io,
  );
  task?.end();
  problems.push(...report.problems);
  const mapping: LabelMapping | undefined = resolveLabelMapping(data.labels.mapping, report.labelValues.sorted, options.labelMapping);
  if (options.checkLabelValues) {
    for (const [file, values] of valuesByLabel) {
      const mapped = values.sorted?.map((v) => mapping?.get(v) ?? v);
      const message = mapped && options.checkLabelValues([...new Set(mapped)].sort((a, b) => a - b));
      if (message) problems.push({ file, message });
    }
  }
  if (problems.length) throw new DataCheckError(problems);

  if (mapping && !data.labels.mapping) {
    logger?.info({ event: 'label-mapping', mapping: mappingToJson(mapping) }, `labels hold one non-zero value: mapped ${[...mapping].map(([a, b]) => `${a}→${b}`).join(', ')}`);
  }
  const normalization = fitter.finish();
  const normalizer = new ImageNormalizer(normalization, ndim);
  const storeOptions = (set: 'train' | 'val') => ({
    inMemory: data.in_memory,
    ndim,
    mapping,
    normalizer,
    shapes: report.shapes,
    spacings: report.spacings,
    readImage: async (file: string) => (await readExampleImage(file, ndim, io, data.nan)).image,
    readLabel: (item: Parameters<typeof loadAnnotation>[0], spatial: number[]) => loadAnnotation(item, spatial, { labels: layout.labels, ndim }, io),
    preloaded: preloaded[set],
  });
  const training = new BatchBuilder({
    wholeImages: layout.wholeImages ?? false,
    ndim,
    patchSize,
    batchSize: config.train.batch_size,
    seed,
    train: new ExampleStore(split.train, storeOptions('train')),
    val: new ExampleStore(split.val, storeOptions('val')),
    normalizer,
    random,
    foregroundProbability: data.sampling.foreground_probability,
    patchesPerEpoch: data.sampling.patches_per_epoch === 'auto' ? undefined : data.sampling.patches_per_epoch,
    classes,
    hooks: options.hooks,
  });
  const labelMapping = mappingToJson(mapping);
  const channels = report.channels ?? 1;
  const inputDtype = trainDtypes.size === 1 ? [...trainDtypes][0] : null;
  const prepared: PreparedData = { split, training, normalization, labelMapping, classes, channels, inputDtype };
  if (options.splitFile) {
    prepared.splitFile = await writeSplit(options.splitFile, split, { label_mapping: labelMapping, channels, normalization });
  }
  logger?.info(
    { event: 'data', train: split.train.length, val: split.val.length, test: split.test.length, validation: split.validation, steps_per_epoch: training.stepsPerEpoch },
    `data: ${split.train.length} training, ${split.val.length} validation (${split.validation.source}), ${split.test.length} test images; ${training.stepsPerEpoch} steps per epoch`,
  );
  return prepared;
}

function indexOf(items: readonly { image: string }[]): Map<string, number> {
  return new Map(items.map((it, i) => [it.image, i]));
}

function note(logger: Logger | undefined, unmatched: string[]): void {
  if (unmatched.length) logger?.warn({ event: 'unmatched-labels', files: unmatched }, `${unmatched.length} label file(s) match no image and are ignored`);
}
