import type { NdArray, Image, PointList } from '@biaflow/image';
import type { RunContext } from './run-context';

/**
 * The data that flows through the lifecycle hooks. Each hook takes one payload with named fields
 * (plus the run event), so a plugin reads `sample.label`, not "the third argument".
 */

export const PROBLEM_TYPES = ['semantic', 'instance', 'detection', 'classification'] as const;
export type ProblemType = (typeof PROBLEM_TYPES)[number];

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
  /** The label as stored (mask, instance labels, point mask, or a class index for classification). */
  label?: NdArray;
  /** What the network learns, channels last; set by the workflow's `preprocess` tap. */
  target?: NdArray;
  /** Class index for classification. */
  classIndex?: number;
  /**
   * Voxel size along the spatial axes (`[y, x]` / `[z, y, x]`) of the image the sample came from,
   * 1 where the file does not say; for targets measured in physical units (anisotropic distances).
   */
  spacing?: number[];
}

export interface TrainEvent extends RunEvent {}

export interface TrainResult {
  /** Folder holding the trained model bundle. */
  modelDir: string;
  epochs?: number;
  bestValLoss?: number | null;
}

export interface InferEvent extends RunEvent {
  /** File name of the input. */
  name: string;
  image: Image;
  /** The loaded model (an engine object; opaque to the kernel). */
  model: unknown;
}

/** What inference and post-processing produce for one input image. */
export interface Prediction {
  /** File name of the input image. */
  name: string;
  /** Metadata of the input, so outputs keep its axes and spacing. */
  source: Pick<Image, 'shape' | 'axes' | 'spacing' | 'dtype'>;
  /** Network output, channels last, float32 in [0, 1] for sigmoid/softmax heads. */
  probabilities?: NdArray;
  /** Class map (semantic) or instance labels (instance), spatial shape of the input. */
  labels?: NdArray;
  /** Detected points. */
  points?: PointList & { scores?: Float32Array };
  /** Classification result. */
  classIndex?: number;
  classScores?: Float32Array;
  /** One row per object (instance workflows), written to `objects.csv` with the image's name. */
  objects?: Record<string, number | string | null>[];
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
}

/** The `metrics.json` contract: pooled figures plus one row per image; `null` where undefined. */
export interface MetricsReport {
  overall: Record<string, unknown>;
  per_image: ({ image: string } & Record<string, unknown>)[];
}

export interface RunEndEvent extends RunEvent {
  metrics?: MetricsReport;
}

export interface RunFailureEvent extends RunEvent {
  error: unknown;
}
