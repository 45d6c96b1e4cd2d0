import { InputError } from '../errors';
import { toModelLayout } from '@biaflow/image';
import type { Image, NdArray } from '@biaflow/image';

/**
 * A label image (a class map, object labels) as `[...spatial]`, read for scoring: one channel, an
 * integer type. `what` names the labels in the error (`object labels`, `ground-truth class maps`);
 * `read` reads the file (a run's readers: `EvaluateEvent.io.readImage`).
 */
export async function readLabelImage(file: string, ndim: 2 | 3, what: string, read: (file: string) => Promise<Image>): Promise<NdArray> {
  const image = await read(file);
  const layout = toModelLayout(image, ndim, file);
  const channels = layout.shape[ndim];
  if (channels !== 1) throw new InputError(`has ${channels} channels; ${what} have one`, { file });
  if (layout.data instanceof Float32Array || layout.data instanceof Float64Array) {
    throw new InputError(`is ${image.dtype}; ${what} must be integers (uint8/16/32)`, { file });
  }
  return { data: layout.data, shape: layout.shape.slice(0, ndim) };
}
