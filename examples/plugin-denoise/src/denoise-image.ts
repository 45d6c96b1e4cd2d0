import {
  DEFAULT_NORMALIZATION,
  ImageNormalizer,
  predictNetwork,
  recordFromBundle,
  toModelLayout,
  type InferEvent,
  type Prediction,
} from '@biaflow/core';

/**
 * One noisy image → the denoised image, in the input's own intensities: core's tiled prediction of
 * the network (normalized as in training), mapped back through the inverse of that normalization
 * (`x = y · scale + offset` of the image's statistics), as float32 with the input's spatial shape.
 */
export async function denoiseImage({ run, name, image, model }: InferEvent): Promise<Prediction> {
  const ndim = run.config.problem.ndim;
  const normalized = await predictNetwork(run, model, image, name);
  const settings = model.meta.normalization;
  const normalizer = new ImageNormalizer(settings ? recordFromBundle(settings) : { ...DEFAULT_NORMALIZATION, method: 'none', version: 1 }, ndim);
  const stats = normalizer.statsFor(toModelLayout(image, ndim, name));
  const spatial = normalized.shape.slice(0, ndim);
  const channels = normalized.shape[ndim];
  const out = new Float32Array(normalized.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = i % channels;
    out[i] = normalized.data[i] * stats.scale[c] + stats.offset[c];
  }
  return {
    name,
    source: { shape: image.shape, axes: image.axes, spacing: image.spacing, dtype: image.dtype },
    image: { data: out, shape: channels === 1 ? spatial : [...spatial, channels] },
  };
}
