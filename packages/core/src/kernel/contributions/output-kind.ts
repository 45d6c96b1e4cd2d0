import type { RunContext } from '../run-context';
import type { ReportPicture, ReportPictureEvent } from './report-pictures';
import type { Prediction } from '../stages';
import type { PredictionField } from '../prediction-field';

/**
 * A kind of result a workflow's predictions give (`kernel.registerOutputKind`; a workflow declares
 * its own as `output`): how one image's result is filed and written. `@biaflow/io` registers
 * `labels` (a label image), `points` (a point list) and `image` (a float image); the result of a
 * kind without a file (a class per image) is the rows of the workflow's tables.
 */
export interface OutputKind {
  name: string;
  /** One line for listings. */
  description: string;
  /**
   * Where one image's result is filed, relative to the results folder (`predictions/<stem>.tif`),
   * or undefined when the result is its tables' rows only: names are then table keys, not files.
   */
  file?(stem: string): string;
  /** True when a prediction carries a result of this kind (`prediction.labels`…). */
  holds(prediction: Prediction): boolean;
  /**
   * The prediction field `holds` looks at (`labels`, `points`, `image`, `classIndex`), as data: a
   * post-processing list must end with it, which `config validate` checks before any run. Without
   * it the end of the list is not checked.
   */
  field?: PredictionField;
  /**
   * Written whenever a prediction holds it, whatever the workflow's own kind (a label image a
   * post-processing step made, points a step found); otherwise only for workflows of this kind.
   */
  writtenWhenHeld?: boolean;
  /** Write the prediction's result to `file` (absolute), in the input's spatial axes and spacing, with the run's writers. */
  write?(run: Pick<RunContext, 'kernel' | 'config' | 'container'>, prediction: Prediction, file: string): Promise<void>;
  /**
   * What the report draws for a result of this kind when its workflow declares no `reportPicture`
   * (the layers `@biaflow/report` draws: `image` beside the input, `points`, `instances`…).
   */
  reportPicture?(event: ReportPictureEvent): Promise<ReportPicture | undefined>;
}
