import { detectionAp, type ClassAp, type DetectionApImage, type PointList } from '@biaflow/image';

/** One scored image: its true and predicted points (with their `prob` scores, when the CSV has them) and its voxel size. */
export interface ApImage {
  name: string;
  truth: PointList;
  predicted: PointList;
  /** File the predictions came from, to name it when it has no scores. */
  predictionPath: string;
  spacing: number[];
}

export interface ApReport {
  /** Pooled over images at the matching tolerance; null values when any image's predictions have no scores. */
  overall: { ap: Record<string, number | null>; map: number | null; ap_by_tolerance: Record<string, ClassAp> };
  /** Per image name; an image whose predictions have no scores gets null values. */
  perImage: Map<string, ClassAp>;
  /** Prediction files that hold points but no score column (AP needs a ranking). */
  unscored: string[];
}

/** The classes of a point list, every point class 1 when it has no class column (as per_class counts them). */
function classesOrOne(points: PointList): Int32Array {
  return points.classes ?? new Int32Array(points.coordinates.length / points.ndim).fill(1);
}

/** Coordinates multiplied by the image's voxel size, so one call can pool images of different spacings (distances are then physical). */
function scaled(points: PointList, spacing: number[]): PointList {
  const coordinates = new Float64Array(points.coordinates.length);
  for (let i = 0; i < coordinates.length; i++) coordinates[i] = points.coordinates[i] * spacing[i % points.ndim];
  return { ndim: points.ndim, coordinates };
}

function nullAps(classes: number[]): ClassAp {
  return { ap: Object.fromEntries(classes.map((c) => [String(c), null])), map: null };
}

/**
 * Score-ranked average precision of point predictions (`detectionAp`: COCO's greedy matching in order
 * of the `prob` column, all-point interpolation), per class and its mean, pooled over the images and
 * per image, at `tolerance` and at each of `tolerances`.
 *
 * AP ranks predictions by their scores, so it is only defined when every prediction has one: when a
 * prediction file holds points but no score column, the pooled figures are null (and the file is
 * listed in `unscored`, for the caller to say so); images with scores keep their own AP.
 */
export function scoreRankedAp(images: readonly ApImage[], options: { tolerance: number; tolerances: readonly number[] }): ApReport {
  const found = new Set<number>();
  for (const im of images) for (const list of [im.truth, im.predicted]) classesOrOne(list).forEach((c) => found.add(c));
  const classes = found.size > 0 ? [...found].sort((a, b) => a - b) : [1];

  const unscored = images.filter((im) => im.predicted.coordinates.length > 0 && !im.predicted.scores).map((im) => im.predictionPath);
  const scoredImages = images.filter((im) => !(im.predicted.coordinates.length > 0 && !im.predicted.scores));
  const input: DetectionApImage[] = scoredImages.map((im) => ({
    name: im.name,
    groundTruth: scaled(im.truth, im.spacing),
    prediction: scaled(im.predicted, im.spacing),
    scores: im.predicted.scores ?? new Float32Array(0),
    trueClasses: classesOrOne(im.truth),
    predictedClasses: classesOrOne(im.predicted),
  }));
  const tolerances = [...new Set(options.tolerances)];
  const result = detectionAp(input, { tolerance: options.tolerance, tolerances, classes });

  const perImage = new Map<string, ClassAp>();
  for (const im of images) perImage.set(im.name, result.per_image[im.name] ?? nullAps(classes));
  if (unscored.length > 0) {
    return {
      overall: { ...nullAps(classes), ap_by_tolerance: Object.fromEntries(tolerances.map((t) => [String(t), nullAps(classes)])) },
      perImage,
      unscored,
    };
  }
  return { overall: { ap: result.ap, map: result.map, ap_by_tolerance: result.ap_by_tolerance }, perImage, unscored };
}
