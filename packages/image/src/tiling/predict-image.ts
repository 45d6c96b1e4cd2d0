import type { NdArray } from '../types';
import { averageTta } from '../tta';
import { sizeOf } from '../ndarray';
import { ImageNormalizer, type ChannelStats, type NormalizationRecord } from '../normalize/normalization';
import { predictTiled, type PredictBatch, type TileOptions } from './tiling';

export interface PredictImageOptions extends TileOptions {
  /** The normalization the model was trained with (from its bundle). */
  normalization: NormalizationRecord;
  /**
   * Test-time augmentation: each normalized tile batch is predicted under every flip and 90°
   * rotation of its axes (`averageTta`: the rotations only for square tiles), each output
   * transformed back exactly, and the outputs averaged. Default false.
   */
  tta?: boolean;
}

/**
 * Predict one image in model layout (`[y, x, c]` / `[z, y, x, c]`, raw values as read) tile by
 * tile, normalizing exactly as training did. Normalization is applied to each tile as it is cut
 * — with the whole image's statistics (or the stored ones), or each tile's own for `patch` scope —
 * so no normalized copy of the whole image is ever made. With `tta`, each normalized batch goes
 * through `averageTta` (flips and 90° rotations, inverted and averaged) — per tile, so the blending
 * of overlapping tiles is unchanged. Returns float32 `[..spatial, Cout]`.
 */
export async function predictImage(image: NdArray, predictBatch: PredictBatch, options: PredictImageOptions): Promise<NdArray<Float32Array>> {
  const ndim = image.shape.length - 1;
  if (ndim !== 2 && ndim !== 3) throw new RangeError(`expected [y, x, c] or [z, y, x, c] (got [${image.shape.join(', ')}])`);
  const normalizer = new ImageNormalizer(options.normalization, ndim);
  // averageTta hands predictBatch its transformed copies of the float32 batch (typed as any array).
  const predict: PredictBatch = options.tta ? (batch) => averageTta(batch, (b) => predictBatch(b as NdArray<Float32Array>), { ndim }) : predictBatch;
  const fixed: ChannelStats | undefined = normalizer.perPatch ? undefined : normalizer.statsFor(image);
  const normalizing: PredictBatch = (batch) => {
    const tileShape = batch.shape.slice(1);
    const tileSize = sizeOf(tileShape);
    for (let t = 0; t < batch.shape[0]; t++) {
      const tile = { data: batch.data.subarray(t * tileSize, (t + 1) * tileSize), shape: tileShape };
      // Tiles are float32 already (predictTiled converts); normalize in place.
      tile.data.set(normalizer.apply(tile, fixed ?? normalizer.statsFor(tile)).data);
    }
    return predict(batch);
  };
  return predictTiled(image, normalizing, options);
}
