/**
 * The data contract of `report.html`. Everything here is plain JSON (no typed arrays, no `undefined`
 * that matters, no Dates), because the page embeds it verbatim and other tools read it back with
 * `JSON.parse`. Pixel data is therefore carried as little-endian base64 (see `EncodedPixels` and
 * `EncodedLabels`; `encodePixels` / `encodeLabels` make them from typed arrays).
 */

/** Any JSON value (the resolved config is one). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A nested metrics object: numbers (null where undefined) at the leaves, strings and booleans allowed. */
export interface MetricsTree {
  [key: string]: number | string | boolean | null | MetricsTree | JsonValue[];
}

/** biaflow's `metrics.json`: pooled figures and one row per image. */
export interface ReportMetrics {
  overall: MetricsTree;
  per_image: ({ image: string } & MetricsTree)[];
}

/** One row of the training log: `epoch`, `loss`, `val_loss` (null without validation) and any other numeric column. */
export interface EpochRow {
  epoch: number;
  [column: string]: number | null;
}

/** A named series over x, e.g. instance F1 over IoU thresholds. Series sharing `xLabel` share a chart. */
export interface CurveSeries {
  name: string;
  x: number[];
  y: (number | null)[];
  xLabel: string;
  yLabel: string;
}

/**
 * uint8 pixels, row-major, channels interleaved (`channels` 1 = grey, 3 = RGB), as base64 of the
 * raw bytes. Already scaled to 0..255 by the caller (the report does no contrast stretching).
 */
export interface EncodedPixels {
  channels: 1 | 3;
  base64: string;
}

/** Integer label image, row-major, as base64 of the little-endian bytes of `dtype`. 0 is background. */
export interface EncodedLabels {
  dtype: 'uint8' | 'uint16' | 'uint32';
  base64: string;
}

/** A point in pixels: `[row, column]` (axis-0, axis-1, as biaflow's point CSVs); rounded when drawn. */
export type ReportPoint = [number, number];

/** Instance labels: contours of every object (truth optional: a predict-only run has none). */
export interface InstanceOverlay {
  kind: 'instances';
  truth?: EncodedLabels | null;
  prediction: EncodedLabels;
}

/** Points: predicted and true points, and which pairs matched (`[truthIndex, predictedIndex]`). */
export interface PointOverlay {
  kind: 'points';
  truth?: ReportPoint[] | null;
  predicted: ReportPoint[];
  matches?: [number, number][];
}

/** Image classification: the class names, and optionally the predicted scores per class name. */
export interface ClassOverlay {
  kind: 'classes';
  truth?: string | null;
  predicted: string;
  scores?: Record<string, number>;
}

/** Semantic class maps (0 background, 1..n classes), truth optional. */
export interface SemanticOverlay {
  kind: 'semantic';
  truth?: EncodedLabels | null;
  prediction: EncodedLabels;
  /** Names of classes 0..n-1 for the legend (default "class 1", …). */
  classNames?: string[];
}

/** Image-to-image output (denoising, super-resolution): shown side by side, no overlay. */
export interface ImageOverlay {
  kind: 'image';
  prediction: EncodedPixels & { width: number; height: number };
  truth?: (EncodedPixels & { width: number; height: number }) | null;
}

export type ReportOverlay = InstanceOverlay | PointOverlay | ClassOverlay | SemanticOverlay | ImageOverlay;

/** One test image chosen by the caller (e.g. the worst and best by the main figure). */
export interface ReportImage {
  name: string;
  /** Why it was chosen: 'worst', 'best', 'median', … (shown as is). */
  role: string;
  /** The image's per-image figure (`workflow.imageFigure`, else `workflow.mainFigure`, of its metrics row), null when unscored. */
  value: number | null;
  width: number;
  height: number;
  input: EncodedPixels;
  overlay: ReportOverlay;
}

/** The name of the workflow's output kind: `labels`, `points`, `classes`, `image` or a plugin's own. */
export type WorkflowOutput = string;

export interface ReportData {
  title: string;
  /** ISO 8601 time the run (or report) was made. */
  created: string;
  /** The command line that made the run. */
  command: string;
  runDir: string;
  /** The resolved config, as resolved (any JSON). */
  config: JsonValue;
  /** Package name → version. */
  versions: Record<string, string>;
  backend: { name: string; threads: number | null };
  workflow: {
    name: string;
    output: WorkflowOutput;
    /** The figure that ranks runs (the headline), and images unless `imageFigure` is given: a dotted key into a metrics row, e.g. `matching.0.5.f1`. */
    mainFigure: { key: string; label: string; higherIsBetter: boolean };
    /** The figure images are ranked by and captioned with (`ReportImage.value`), when it is not the main figure (e.g. each image right or wrong). */
    imageFigure?: { key: string; label: string; higherIsBetter: boolean };
  };
  /** Training log rows; empty for a predict-only run. */
  epochs: EpochRow[];
  metrics?: ReportMetrics | null;
  curves?: CurveSeries[];
  images: ReportImage[];
}
