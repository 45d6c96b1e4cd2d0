import { InputError } from '@biaflow/core/errors';
import { ImageNormalizer, NORMALIZATION_METHODS, recordFromBundle, type NdArray } from '@biaflow/image';
import type { NormalizationSettings } from '@biaflow/core/bundle-format';

/**
 * Turns a raw image (model layout, channels last) into what the network was trained on, given the
 * settings stored in the bundle. The data pipeline's methods (`@biaflow/image`'s `ImageNormalizer`)
 * are registered here, so `predict` applies the same normalization as training did; a caller may add its own.
 */
export type Normalizer = (image: NdArray, settings: NormalizationSettings) => NdArray<Float32Array>;

const normalizers = new Map<string, Normalizer>();

export function registerNormalizer(method: string, normalizer: Normalizer): void {
  normalizers.set(method, normalizer);
}

export function registeredNormalizers(): string[] {
  return [...normalizers.keys()];
}

/** The image as float32 (a copy when it was another type; the same array when already float32). */
export function toFloat32(image: NdArray): NdArray<Float32Array> {
  return image.data instanceof Float32Array ? (image as NdArray<Float32Array>) : { data: Float32Array.from(image.data as ArrayLike<number>), shape: image.shape.slice() };
}

registerNormalizer('none', (image) => toFloat32(image));
// The data pipeline's methods: what a bundle core trained records (see `recordFromBundle`).
for (const method of NORMALIZATION_METHODS.filter((m) => m !== 'none')) {
  registerNormalizer(method, (image, settings) => new ImageNormalizer(recordFromBundle(settings), image.shape.length - 1).apply(image));
}

/** Apply the bundle's normalization; null means none. Unknown methods are an error naming what is registered. */
export function normalizeImage(image: NdArray, settings: NormalizationSettings | null | undefined): NdArray<Float32Array> {
  if (!settings) return toFloat32(image);
  const normalizer = normalizers.get(settings.method);
  if (!normalizer) {
    throw new InputError(`the model's normalization method "${settings.method}" is not registered (registered: ${registeredNormalizers().join(', ')})`, {
      hint: 'load the package that provides it, or pass { normalize: false } to predict and normalize the image yourself',
    });
  }
  return normalizer(image, settings);
}
