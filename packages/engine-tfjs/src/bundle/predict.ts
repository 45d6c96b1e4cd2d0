import type { LayersModel, Tensor } from '@tensorflow/tfjs';
import { InputError } from '@biaflow/core/errors';
import type { NdArray } from '@biaflow/image';
import { loadTf } from '../backend/load-tf';
import type { BundleMeta } from '@biaflow/core/bundle-format';
import { normalizeImage, toFloat32 } from './normalizers';
import { cropSpatial, padSpatialEnd } from '@biaflow/image';

export interface PredictOptions {
  /** Apply the bundle's normalization first (default true). Set false for images already normalized. */
  normalize?: boolean;
  /** Images per forward pass when a batch is given (default 1). */
  batchSize?: number;
}

/**
 * Predict an in-memory image with a loaded model.
 *
 * `image` is in model layout, channels last: one image `[y, x, C]` / `[z, y, x, C]`, or a batch
 * `[B, y, x, C]` / `[B, z, y, x, C]`, any numeric typed array. It is normalized as the bundle says
 * (unless `normalize: false`), and for segmentation networks each spatial axis is padded at its end
 * by mirror reflection up to a multiple of `meta.size_divisor` (2^(depth − 1) per pooled axis),
 * then the output is cropped back. The result is float32: `[...spatial, outputChannels]` (or with
 * the batch axis when a batch was given) for segmentation, `[outputChannels]` / `[B, outputChannels]`
 * for classifiers, values as the head's activation gives them.
 *
 * The whole image goes through the network at once: tile large images before (the data pipeline does).
 */
export async function predict(loaded: { model: LayersModel; meta: BundleMeta }, image: NdArray, options: PredictOptions = {}): Promise<NdArray<Float32Array>> {
  const { model, meta } = loaded;
  const nd = meta.ndim;
  const rank = image.shape.length;
  if (rank !== nd + 1 && rank !== nd + 2) {
    throw new InputError(
      `predict: the image has shape [${image.shape}] but this ${nd}D model takes [${nd === 2 ? 'y, x' : 'z, y, x'}, channels] or a batch of them`,
    );
  }
  const batched = rank === nd + 2;
  const channels = image.shape[rank - 1];
  if (channels !== meta.input_channels) {
    throw new InputError(`predict: the image has ${channels} channel(s) (last axis of [${image.shape}]) but the model takes ${meta.input_channels}`);
  }
  const expected = image.shape.reduce((a, v) => a * v, 1);
  if (image.data.length !== expected) throw new InputError(`predict: the image data holds ${image.data.length} values but its shape [${image.shape}] needs ${expected}`);

  const batch = batched ? image : { data: image.data, shape: [1, ...image.shape] };
  const normalized = options.normalize === false ? toFloat32(batch) : normalizeBatch(batch, meta);
  const spatial = batch.shape.slice(1, -1);
  // Per-image networks (classifiers) write a size divisor of 1s: padding leaves their input as it is.
  const padded = spatial.map((n, i) => Math.ceil(n / meta.size_divisor[i]) * meta.size_divisor[i]);
  const input = padSpatialEnd(normalized, padded);

  const tf = loadTf();
  const b = batch.shape[0];
  const step = Math.max(1, Math.floor(options.batchSize ?? 1));
  const chunks: Float32Array[] = [];
  let outShape: number[] = [];
  const perImage = input.data.length / b;
  for (let start = 0; start < b; start += step) {
    const n = Math.min(step, b - start);
    const out = tf.tidy(() => {
      const x = tf.tensor(input.data.subarray(start * perImage, (start + n) * perImage), [n, ...input.shape.slice(1)], 'float32');
      return model.predict(x) as Tensor;
    });
    try {
      chunks.push((await out.data()) as Float32Array);
      outShape = out.shape.slice(1) as number[];
    } finally {
      out.dispose();
    }
  }
  const data = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    data.set(c, offset);
    offset += c.length;
  }
  let result: NdArray<Float32Array> = { data, shape: [b, ...outShape] };
  // A per-voxel output ([b, ...spatial, c]) is cropped back to the input; a per-image one ([b, c]) has nothing to crop.
  if (outShape.length === nd + 1) result = cropSpatial(result, spatial);
  return batched ? result : { data: result.data, shape: result.shape.slice(1) };
}

/** Normalize each image of a batch on its own (per-image statistics stay per image). */
function normalizeBatch(batch: NdArray, meta: BundleMeta): NdArray<Float32Array> {
  const b = batch.shape[0];
  if (!meta.normalization) return toFloat32(batch);
  const shape = batch.shape.slice(1);
  const per = batch.data.length / b;
  const out = new Float32Array(batch.data.length);
  for (let i = 0; i < b; i++) {
    const one = normalizeImage({ data: batch.data.subarray(i * per, (i + 1) * per), shape }, meta.normalization);
    out.set(one.data, i * per);
  }
  return { data: out, shape: batch.shape.slice() };
}
