import type { NdArray, PointList } from '@biaflow/image';
import type { EncodedLabels, ReportOverlay } from '../render';

/**
 * What a workflow gives the run report for one test image (its `reportPicture` hook). Core turns it
 * into the report's overlay: it reads and scales the input, picks the plane of a 3D image, crops
 * large images, and encodes the layers; the picture functions of `@biaflow/report` draw them.
 */

/** The report's overlay kinds drawn from label images (object contours, tinted class maps), named as the report names them. */
export type LabelOverlayKind = Extract<ReportOverlay, { prediction: EncodedLabels }>['kind'];

/** Label images (spatial shape of the input: `[y, x]` or `[z, y, x]`; a channel axis of 1 is dropped): prediction and, when known, ground truth. */
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

/**
 * An image result (denoised, restored): shown beside the input, with the ground-truth image when
 * known. The input's spatial shape, channels last (`[y, x, c]`); one channel may come without its
 * axis (`[y, x]` draws as `[y, x, 1]`).
 */
export interface ImageLayers {
  kind: 'image';
  prediction: NdArray;
  truth?: NdArray | null;
}

export type ReportLayers = LabelLayers | PointLayers | ClassLayers | ImageLayers;
