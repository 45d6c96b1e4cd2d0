import type { Image, NdArray, PointList } from '@biaflow/image';
import type { RunContext } from './run-context';

/**
 * The data that flows through the lifecycle hooks. Each hook takes one payload with named fields
 * (plus the run event), so a plugin reads `sample.label`, not "the third argument".
 */

/** Name of a registered workflow: the value of `problem.type`. */
export type ProblemType = string;

/** The run a hook is called for. */
export interface RunEvent {
  run: RunContext;
}

/** One training or validation example on its way to the network. */
export interface Sample {
  /** File name of the image it came from. */
  name: string;
  /** Model layout, channels last: `[y, x, c]` or `[z, y, x, c]`. */
  image: NdArray;
  /** The label image as stored, mapped; absent for layouts without labels and for point data (see `points`). */
  label?: NdArray;
  /**
   * Point annotations (a layout whose labels are points): coordinates in the sample's pixels
   * (`[y, x]` / `[z, y, x]`, pixel centres on integers, a point drawn in pixel `round(c)`), with
   * their classes. The cut and every geometric augmentation move them as coordinates, exactly as
   * they move the image (never drawn and resampled); points that leave the sample are dropped.
   */
  points?: PointList;
  /** What the network learns, channels last; set by the workflow's `prepareSample`. */
  target?: NdArray;
  /** Class index, for data laid out in class folders. */
  classIndex?: number;
  /**
   * Voxel size along the spatial axes (`[y, x]` / `[z, y, x]`) of the image the sample came from,
   * 1 where the file does not say; for targets measured in physical units (anisotropic distances).
   */
  spacing?: number[];
}

/** The `preprocess` hook's event: the run, the sample's own seed, and the class names when the data has classes. */
export interface SampleEvent extends RunEvent {
  /**
   * Seed of this sample's random choices (a function of the run seed and where the sample is: its
   * epoch, step and position for training, its index for validation), so a resumed run repeats them.
   */
  seed: number;
  classes?: readonly string[];
}

/** The `augment` hook's event: the sample's own seed, and the names of augmentations applied so far. */
export interface AugmentEvent extends RunEvent {
  /** Seed of this sample's augmentation (a function of the run seed, epoch, step and position). */
  seed: number;
  /** Names of the augmentations applied to the sample, in order; taps that augment add theirs (shown by `augment-preview`). */
  applied: string[];
}

export interface TrainEvent extends RunEvent {}

export interface TrainResult {
  /** Folder holding the trained model bundle. */
  modelDir: string;
  epochs?: number;
  bestValLoss?: number | null;
}

/** The `afterTrain` hook's event: what training gave. */
export interface TrainedEvent extends RunEvent {
  train: TrainResult;
}

export interface InferEvent extends RunEvent {
  /** File name of the input. */
  name: string;
  image: Image;
  /** The network to predict with, opened by the configured inference engine. */
  model: import('./contributions/inference-engine').Network;
}

/** A row of a result table: column → value. */
export type TableRow = Record<string, number | string | null>;

/** What inference and post-processing produce for one input image. */
export interface Prediction {
  /** File name of the input image. */
  name: string;
  /** Metadata of the input, so outputs keep its axes and spacing. */
  source: Pick<Image, 'shape' | 'axes' | 'spacing' | 'dtype'>;
  /** Network output, channels last, float32 in [0, 1] for sigmoid/softmax heads. */
  probabilities?: NdArray;
  /** A label image (class map or object labels), spatial shape of the input. */
  labels?: NdArray;
  /** Detected points. */
  points?: PointList & { scores?: Float32Array };
  /** A class: its index, the score of every class, and the class names (from the model). */
  classIndex?: number;
  classScores?: Float32Array;
  classNames?: readonly string[];
  /** An image result (float32, spatial shape of the input, channels last when more than one), e.g. a denoised image. */
  image?: NdArray;
  /** Rows of the workflow's result tables for this image, by table name (e.g. `objects`). */
  tables?: Record<string, TableRow[]>;
}

/** The `writeResult` hook's event: the prediction before post-processing, and the files written so far (taps add theirs). */
export interface WriteEvent extends RunEvent {
  /** The prediction as inference returned it (its network output is what `probabilities/` keeps). */
  raw: Prediction;
  files: string[];
}

export interface EvaluateEvent extends RunEvent {
  /** Folder of the predictions (the run's `predictions/`, or `--pred`). */
  predictionsDir: string;
  /** Folder of the ground truth (`data.test.labels`, or `--gt`). */
  groundTruthDir: string;
  /** Prediction files paired with ground-truth files by file stem, sorted by name. */
  pairs: { name: string; predictionPath: string; groundTruthPath: string }[];
  /** Files on one side without a twin on the other (reported, not scored). */
  unpaired: string[];
  /** The run's image I/O (its readers: core's formats and those plugins added). */
  io: import('./contributions/data-layout').DataIO;
}

/** The `metrics.json` contract: pooled figures plus one row per image; `null` where undefined. */
export interface MetricsReport {
  overall: Record<string, unknown>;
  per_image: ({ image: string } & Record<string, unknown>)[];
}

/** What a run did, passed to `runEnd` beside the metrics report that flows through it. */
export interface RunEndEvent extends RunEvent {
  /** The trained model, when the run trained one. */
  train?: TrainResult;
}

export interface RunFailureEvent extends RunEvent {
  error: unknown;
}
