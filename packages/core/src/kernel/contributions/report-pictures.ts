import type { NdArray, PointList } from '@biaflow/image';
import type { DataIO } from './data-layout';
import type { EvaluateEvent, MetricsReport, RunEvent } from '../stages';

/**
 * What a workflow gives the run report for one test image (its `reportPicture` hook). Core turns it
 * into the report's overlay: it reads and scales the input, picks the plane of a 3D image, crops
 * large images, and encodes the layers; the picture functions of `@biaflow/report` draw them.
 */

/** The report's overlay kinds drawn from label images: object contours (`instances`), tinted class maps (`semantic`). */
export type LabelOverlayKind = 'instances' | 'semantic';

/** Label images (spatial shape of the input: `[y, x]` or `[z, y, x]`): prediction and, when known, ground truth. */
export interface LabelLayers {
  kind: LabelOverlayKind;
  prediction: NdArray;
  truth?: NdArray | null;
  /** Names of classes 0..n-1, for the colour key of class maps. */
  classNames?: string[];
}

/** Points in pixels (axis order of the point CSVs) and the pairs the evaluation matched: `[truthIndex, predictedIndex]`. */
export interface PointLayers {
  kind: 'points';
  predicted: PointList;
  truth?: PointList | null;
  matches?: readonly (readonly [number, number])[];
}

/** One class per image: predicted, true (when known) and the scores per class name. */
export interface ClassLayers {
  kind: 'classes';
  predicted: string;
  truth?: string | null;
  scores?: Record<string, number>;
}

/** An image result (denoised, restored): shown beside the input, with the ground-truth image when known. Channels last, the input's spatial shape. */
export interface ImageLayers {
  kind: 'image';
  prediction: NdArray;
  truth?: NdArray | null;
}

export type ReportLayers = LabelLayers | PointLayers | ClassLayers | ImageLayers;

/** A named series over x (e.g. F1 over IoU threshold); series sharing `xLabel` share a chart. */
export interface ReportCurve {
  name: string;
  x: number[];
  y: (number | null)[];
  xLabel: string;
  yLabel: string;
}

/** The `reportPicture` event: one test image of the run and where its files are. */
export interface ReportPictureEvent extends RunEvent {
  /** The image's name as `metrics.json`'s `per_image` gives it (or a prediction's file name without metrics). */
  image: string;
  /** Its result file in `predictions/` (same stem), when there is one per image. */
  predictionPath?: string;
  /** Its ground-truth file (same stem), when the run has ground truth. */
  groundTruthPath?: string;
  /** The run's `predictions/` folder. */
  predictionsDir: string;
  /** The folder of ground truth, when the run has one. */
  groundTruthDir?: string;
  io: DataIO;
}

/** The `reportCurves` event: the run's metrics and the prediction / ground-truth pairs they were computed from. */
export interface ReportCurvesEvent extends RunEvent {
  metrics: MetricsReport;
  pairs: EvaluateEvent['pairs'];
  io: DataIO;
}
