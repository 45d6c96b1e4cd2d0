import { DataError } from '../errors';
import { isImageError, toModelLayout } from '@biaflow/image';
import type { Image, NdArray } from '@biaflow/image';

/**
 * A label image (a class map, object labels) as `[...spatial]`, read for scoring: one channel, an
 * integer type, the problem's dimensionality. `what` names the labels in the error (`object labels`,
 * `ground-truth class maps`); `read` reads the file (a run's readers: `EvaluateEvent.io.readImage`).
 * A label that is none of these is a `DataError` naming the file: biaflow's own check, even when a
 * workflow's `evaluate` calls it.
 */
export async function readLabelImage(file: string, ndim: 2 | 3, what: string, read: (file: string) => Promise<Image>): Promise<NdArray> {
  const image = await read(file);
  let layout: NdArray;
  try {
    layout = toModelLayout(image, ndim, file);
  } catch (e) {
    if (!isImageError(e)) throw e;
    throw new DataError(e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message, { file, hint: e.hint, cause: e });
  }
  const channels = layout.shape[ndim];
  if (channels !== 1) throw new DataError(`has ${channels} channels; ${what} have one`, { file });
  if (layout.data instanceof Float32Array || layout.data instanceof Float64Array) {
    throw new DataError(`is ${image.dtype}; ${what} must be integers (uint8/16/32)`, { file });
  }
  return { data: layout.data, shape: layout.shape.slice(0, ndim) };
}
