import { DEFAULT_NORMALIZATION, ImageNormalizer, recordFromBundle, type NdArray, type Network } from '@biaflow/core';
import { extractBox } from '@biaflow/image';
import { averageClassScores } from './tta-scores';

/**
 * The box of `patch` at the centre of an image of `spatial` size: it starts before 0 (and is
 * filled by mirror reflection) when the image is smaller than the patch. The same box core's data
 * pipeline cuts from validation images, so a test image goes through the network exactly as a
 * validation image did.
 */
export function centredOrigin(spatial: readonly number[], patch: readonly number[]): number[] {
  return spatial.map((n, d) => Math.floor((n - patch[d]) / 2));
}

/**
 * Class scores of one image in model layout (`[y, x, c]` / `[z, y, x, c]`, raw values): the
 * centred patch of the size the model was trained on (cropped, or mirror-padded when the image is
 * smaller), normalized as in training (whole-image statistics unless the bundle says per patch),
 * through the classifier (by the run's inference engine). Returns the softmax scores, one per class.
 * With `tta`, the scores are averaged over the flips and 90° rotations of the patch (`averageClassScores`).
 */
export async function classifyImage(network: Network, image: NdArray, patch: readonly number[], options: { tta?: boolean } = {}): Promise<Float32Array> {
  const ndim = image.shape.length - 1;
  const spatial = image.shape.slice(0, ndim);
  const crop = extractBox(image, ndim, centredOrigin(spatial, patch), patch);
  const settings = network.meta.normalization;
  const normalizer = new ImageNormalizer(settings ? recordFromBundle(settings) : { ...DEFAULT_NORMALIZATION, method: 'none', version: 1 }, ndim);
  const stats = normalizer.perPatch ? normalizer.statsFor(crop) : normalizer.statsFor(image);
  const x = normalizer.apply(crop, stats);
  const batch = { data: x.data, shape: [1, ...x.shape] };
  const scores = options.tta ? (await averageClassScores(batch, (b) => network.predict(b), ndim as 2 | 3)).scores : await network.predict(batch);
  return scores.data.slice(0, scores.shape[scores.shape.length - 1]);
}

/** Index of the largest score (the first on ties). */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return best;
}
