import type { DataIO } from './data-layout';
import type { EvaluateEvent, MetricsReport, RunEvent } from '../stages';

/**
 * What a workflow gives the run report for one test image (its `reportPicture`): the layers of
 * `@biaflow/report` (`ReportLayers`: label images, points, a class, an image result), which core only
 * passes on to the report. The report reads and scales the input, picks the plane of a 3D image, crops
 * large images, and draws them; it refuses a kind it does not draw.
 */
export interface ReportPicture {
  kind: string;
}

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
