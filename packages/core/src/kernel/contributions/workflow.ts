import type { ZodType } from 'zod';
import type { ResolvedConfig } from '../config/schema';
import type { DataLayout } from './data-layout';
import type { ModelHead, NetworkDefinition } from './network';
import type { CustomLoss, ValidationMetric } from './training-engine';
import type { LossType } from '../config/sections/train';
import type { ConfigIssue } from '../../errors';
import type { ImageHeader } from '@biaflow/image';
import type { RunContext } from '../run-context';
import type { EvaluateEvent, InferEvent, MetricsReport, Prediction, Sample, SampleEvent, TableRow } from '../stages';
import type { PredictionField } from '../prediction-field';
import type { ReportCurve, ReportCurvesEvent, ReportPicture, ReportPictureEvent } from './report-pictures';

/** The network a workflow trains: its head, what each output channel means, the loss. */
export interface NetworkSpec {
  head: ModelHead;
  /** Meaning of each output channel (`foreground`, `contour`, class names…), stored in the model bundle. */
  channels: string[];
  /** Loss when `train.loss.type` is `auto`: one of core's, or the workflow's own. */
  defaultLoss?: LossType | CustomLoss;
  /** Channels of the training target when they differ from the output's (a masked loss's mask channel). */
  targetChannels?: number;
  /** Validation metrics (default: IoU for probability heads, accuracy for classifiers, none for linear heads). */
  metrics?: ValidationMetric[];
  /** Check of each training or validation label's distinct values (after mapping); a message is a data problem of that file. */
  checkLabelValues?: (values: readonly number[]) => string | undefined;
}

/** What `checkConfig` is told beside the config. */
export interface WorkflowCheckContext {
  /** Whether the run trains (some settings only matter then). */
  training: boolean;
  /** The networks a config may name (`model.architecture`), registered by the loaded plugins. */
  networks: ReadonlyMap<string, NetworkDefinition>;
}

/** The header of one data image (`checkImageHeaders`). */
export interface DataImageHeader {
  set: 'train' | 'val' | 'test';
  file: string;
  header: ImageHeader;
}

/** A table a workflow writes beside the per-image results, one or more rows per image. */
export interface ResultTable {
  /** Key in `Prediction.tables` (`objects`). */
  name: string;
  /** Path in the run folder (`objects.csv`, `predictions/predictions.csv`). */
  file: string;
  description: string;
  /** This image's rows, computed from the post-processed prediction; undefined when it has none. */
  rows(prediction: Prediction, run: RunContext): TableRow[] | undefined;
}

/** The figure that ranks images and runs: a dotted key into a `metrics.json` row. */
export interface Figure {
  /** `matching.0.5.f1`, `foreground_iou`, `accuracy`. */
  key: string;
  /** `F1 at IoU 0.5`. */
  label: string;
  /** Default true. */
  higherIsBetter?: boolean;
}

/** A decoding threshold that can be tuned on validation data: an option of a post-processing step. */
export interface TunableThreshold {
  /** The step (`instance_watershed`) and its option (`seed_threshold`). */
  step: string;
  option: string;
  /** Values tried. */
  values: readonly number[];
}

/**
 * Everything core needs to drive a workflow: a plugin registers one with `kernel.registerWorkflow`,
 * and `problem.type: <name>` runs it. Core trains, predicts, post-processes, writes and evaluates
 * from this declaration; the hooks (`preprocess[name]`, `train[name]`, `infer[name]`,
 * `evaluate[name]`) carry core's implementation as taps, so another plugin can still observe or
 * replace any stage.
 */
export interface WorkflowDefinition {
  /** The `problem.type` value. */
  name: string;
  description: string;
  /** Its own config section (a key named after it, by convention), when it has settings. */
  section?: { key: string; schema: ZodType; };
  /**
   * Checks of the config that need no data (a radius of the wrong length, an architecture that
   * cannot classify); every issue names its key. Run before a run does any work, and by
   * `biaflow config validate`; `training` says whether the run trains (some settings only matter then).
   */
  checkConfig?(config: ResolvedConfig, context: WorkflowCheckContext): ConfigIssue[];
  /**
   * Checks of the config against the data's file headers (no pixel decoded), made by `config validate`
   * and before a run creates its folder: e.g. a tolerance smaller than the test images' voxel size.
   * `images` holds the headers core could read, per set; every issue names its key or file.
   */
  checkImageHeaders?(config: ResolvedConfig, images: readonly DataImageHeader[]): ConfigIssue[];
  /** How its data is laid out: core's `imageLabelPairs`, `pointLists`, `classFolders`, or its own loader. */
  data: DataLayout;
  /** How stored label values become what the workflow expects when `data.labels.mapping` is not set (e.g. 0/255 → 0/1); none by default. */
  labelMapping?(values: readonly number[]): ReadonlyMap<number, number> | undefined;
  /**
   * A training or validation sample (patch, normalized, augmented) → the same with its `target`
   * set; it may also change the image (blind-spot masking). Without it, the label is the target
   * (one float channel).
   */
  prepareSample?(sample: Sample, event: SampleEvent): Sample | Promise<Sample>;
  /** The network: head, output channels, loss. */
  network(run: RunContext): NetworkSpec | Promise<NetworkSpec>;
  /**
   * One image → its raw prediction. Default: the network's output over the whole image, tile by
   * tile with `predict.*` overlap, normalized as in training (`probabilities`).
   */
  infer?(event: InferEvent): Promise<Prediction>;
  /**
   * The prediction fields its `infer` fills (`['image']`, `['classIndex', 'classScores', 'classNames']`):
   * where the `postprocess:` list starts, checked before any run (a step must take what is there).
   * Without `infer` it is core's tiled prediction, `['probabilities']`, and need not be declared; a
   * workflow with its own `infer` that declares nothing leaves its lists unchecked (a warning).
   */
  gives?: readonly PredictionField[];
  /**
   * What kind of result it writes: the name of a registered output kind (`labels`, `points`,
   * `image` from `@biaflow/io`, or one a plugin registers).
   */
  output: string;
  /** Tables it writes beside the results. */
  tables?: readonly ResultTable[];
  /** Score predictions against ground truth → `metrics.json`. */
  evaluate(event: EvaluateEvent): MetricsReport | Promise<MetricsReport>;
  /** The figure that ranks images (best and worst in reports) and runs. */
  mainFigure: Figure;
  /**
   * The per-image figure that ranks test images in the report (worst and best), when per-image rows
   * do not hold the main figure (e.g. a pooled accuracy, each image being right or wrong): a dotted
   * key into a `per_image` row; a boolean counts 1 / 0. Default: the main figure.
   */
  imageFigure?: Figure;
  /** The figures a summary table shows, main figure first. Default: the main figure only. */
  summary?: readonly Figure[];
  /** Decoding thresholds that can be tuned on validation data. */
  tunable?: readonly TunableThreshold[];
  /**
   * What `report.html` draws over one test image (and `report/<stem>-overlay.png` holds): the
   * prediction and ground truth of that image as label images, points with the pairs the
   * evaluation matched, or classes (`ReportPicture`); core finds and scales the input, picks the
   * plane of a 3D image and crops. Undefined (or no hook) → the report shows no picture of it.
   */
  reportPicture?(event: ReportPictureEvent): ReportPicture | undefined | Promise<ReportPicture | undefined>;
  /** Curves the report plots beside the metrics tables (e.g. F1 / precision / recall over IoU thresholds). */
  reportCurves?(event: ReportCurvesEvent): ReportCurve[] | Promise<ReportCurve[]>;
  /** The workflow's part of a starter config (`biaflow init <name>`): its section, with comments. */
  starterConfig?: string;
}

/** A workflow as registered: its definition and the plugin that registered it. */
export interface RegisteredWorkflow extends WorkflowDefinition {
  plugin: string;
}
