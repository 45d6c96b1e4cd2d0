import type { Image } from '@biaflow/image';
import { dtypeMaximum, divisorFor } from '@biaflow/image';
import type { BundleMeta } from '../kernel/contributions/model-bundle';
import { allocateTypedArray as allocate } from '@biaflow/image';
import { InputError } from '../errors';

/** Sizes of an image's axes by letter (1 for an axis it does not have). */
function sizeOf(image: Pick<Image, 'axes' | 'shape'>, letter: string): number {
  const i = image.axes.indexOf(letter);
  return i < 0 ? 1 : image.shape[i];
}

/**
 * Check a test image against what the model was trained on, before any inference, so a mismatch is
 * an exit-2 message naming the file instead of a tensor shape error: a Z stack for a 2D model (or a
 * plane for a 3D one), another channel count, and — when the model's normalization divides by the
 * training images' type range (`div`) — another sample type, which `predict.rescale_input` accepts by
 * rescaling the image to the trained type's range. Returns the image to predict.
 */
export function fitImageToModel(image: Image, meta: BundleMeta, file: string, rescaleInput: boolean): Image {
  if (!checkImageForModel(image, meta, file, rescaleInput)) return image;
  // The divisor training fixed (the trained type's maximum; for float images, the range they held).
  const stats = (meta.normalization as { stats?: { scale?: number[] } }).stats;
  return rescaleTo(image, stats?.scale?.[0] ?? dtypeMaximum(allocate(meta.input_dtype as Image['dtype'], 0)));
}

/**
 * The checks of `fitImageToModel` on an image or its header alone (run on every test image's header
 * before the first is predicted): throws an InputError naming the file; returns true when the image
 * must be rescaled to the trained sample type (`predict.rescale_input`).
 */
export function checkImageForModel(image: Pick<Image, 'shape' | 'axes' | 'dtype'>, meta: BundleMeta, file: string, rescaleInput: boolean): boolean {
  const depth = sizeOf(image, 'Z');
  if (meta.ndim === 2 && depth > 1) {
    throw new InputError(`is a 3D stack of ${depth} planes, but the model was trained on 2D images`, {
      file,
      hint: 'predict its planes as separate 2D images, or train a 3D model (problem.ndim: 3)',
    });
  }
  if (meta.ndim === 3 && !image.axes.includes('Z')) {
    throw new InputError('is a 2D image, but the model was trained on 3D stacks', { file, hint: 'give Z stacks, or use a 2D model' });
  }
  const channels = sizeOf(image, 'C') * sizeOf(image, 'S');
  if (channels !== meta.input_channels) {
    throw new InputError(`has ${channels} channel(s), but the model was trained on images with ${meta.input_channels}`, {
      file,
      hint: `give images with ${meta.input_channels} channel(s) (axes ${image.axes}, shape [${image.shape}])`,
    });
  }
  const trained = meta.input_dtype;
  if (meta.normalization?.method !== 'div' || !trained || image.dtype === trained) return false;
  if (!rescaleInput) {
    throw new InputError(
      `is ${image.dtype}, but the model was trained on ${trained} images and its normalization (div) divides by the ${trained} range, so its values would be scaled wrongly`,
      { file, hint: `convert the image to ${trained}, or set predict.rescale_input: true (--set predict.rescale_input=true) to rescale it to the ${trained} range` },
    );
  }
  return true;
}

/** The image as float32, its own type's range (for floats, the range `div` would give them) mapped onto `target`. */
function rescaleTo(image: Image, target: number): Image {
  const source = divisorFor(image.data);
  const factor = target / source;
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = image.data[i] * factor;
  return { ...image, data: out, dtype: 'float32' };
}
