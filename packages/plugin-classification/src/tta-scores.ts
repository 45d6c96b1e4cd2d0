import { ttaTransforms, type NdArray } from '@biaflow/image';

/**
 * Test-time augmentation of a classifier: class scores of the input under every flip and 90°
 * rotation its axes allow (`ttaTransforms`: 8 in 2D, 16 in 3D, half as many when y ≠ x), averaged.
 * A class score does not move with the image, so nothing is transformed back. One network call
 * per transform, in `ttaTransforms` order; the scores are summed in float64 in that order and
 * divided by their count, as `averageTta` averages maps.
 *
 * `batch` is `[b, (z,) y, x, c]`; `predict` returns `[b, classes]`.
 */
export async function averageClassScores(
  batch: NdArray<Float32Array>,
  predict: (batch: NdArray<Float32Array>) => Promise<NdArray<Float32Array>>,
  ndim: 2 | 3,
): Promise<{ scores: NdArray<Float32Array>; transforms: number }> {
  const transforms = ttaTransforms(batch.shape, ndim);
  let sum: Float64Array | undefined;
  let shape: number[] = [];
  for (const t of transforms) {
    const out = await predict(t.forward(batch));
    if (!sum) {
      sum = new Float64Array(out.data.length);
      shape = [...out.shape];
    } else if (out.shape.join() !== shape.join()) {
      throw new RangeError(`the classifier returned shape [${out.shape.join(', ')}] for the ${t.name} input but [${shape.join(', ')}] for the identity`);
    }
    for (let i = 0; i < out.data.length; i++) sum[i] += out.data[i];
  }
  const data = new Float32Array(sum!.length);
  for (let i = 0; i < data.length; i++) data[i] = sum![i] / transforms.length;
  return { scores: { data, shape }, transforms: transforms.length };
}
