import { BioimageioError } from '../errors';
import { isDataDependentSize, isParameterizedSize, isSizeReference, referencedSize } from './sizes';
import type { Axis, ModelDescription, TensorDescr } from './types';

/**
 * The largest tensors a model is run with, from its description alone: a description declares its
 * sizes (an input axis `size: 1000000000`, a `min` that large, an output scaled up against its
 * input), and a runner allocates what they say. Checking them against a cap before anything is
 * allocated keeps a hostile or mistaken description from taking the machine's memory.
 */
export interface TensorExtent {
  /** `inputs[0]`, `outputs[1]`. */
  field: string;
  /** Size per axis, in the description's axis order. */
  shape: number[];
  axisIds: string[];
  /** Product of the shape (Infinity when a size is not finite). */
  samples: number;
  /** Index of the largest axis, and the field that sizes it (`inputs[0].axes[2].size`), which a message points at. */
  largestAxis: number;
  largestField: string;
}

export interface TensorExtentOptions {
  /**
   * For `{min, step}` space axes: the largest size a runner uses (its tile size), when larger than
   * `min`. Without it, `min` (the smallest size the model takes, the least a runner allocates).
   */
  largestTile?: number;
}

/**
 * Per input and output, the largest shape a run gives it: batch 1 (or the fixed batch), the channel
 * count, fixed sizes, `{min, step}` at `min` (or the runner's largest tile), references resolved
 * from the referenced axis (scale and offset applied), data-dependent sizes at their `max` (else `min`).
 */
export function tensorExtents(d: ModelDescription, options: TensorExtentOptions = {}): TensorExtent[] {
  const tensors: { t: TensorDescr; field: string }[] = [
    ...d.inputs.map((t, i) => ({ t, field: `inputs[${i}]` })),
    ...d.outputs.map((t, i) => ({ t, field: `outputs[${i}]` })),
  ];
  const byId = new Map(tensors.map((x) => [x.t.id, x.t]));
  const sizeOf = (axis: Axis, depth: number): number => {
    switch (axis.type) {
      case 'batch':
        return axis.size ?? 1;
      case 'channel':
        return axis.channel_names.length;
      default: {
        const size = axis.size;
        if (typeof size === 'number') return size;
        if (isParameterizedSize(size)) return axis.type === 'space' && options.largestTile !== undefined ? Math.max(size.min, options.largestTile) : size.min;
        if (isSizeReference(size)) {
          const ref = byId.get(size.tensor_id)?.axes.find((a) => a.id === size.axis_id);
          // Unresolvable or circular references are reported by checkModelDescription; they size nothing here.
          if (!ref || depth > 4) return 1;
          const refScale = 'scale' in ref ? ref.scale : 1;
          const scale = 'scale' in axis ? axis.scale : 1;
          return referencedSize(size, sizeOf(ref, depth + 1), refScale, scale);
        }
        if (isDataDependentSize(size)) return size.max ?? size.min;
        return 1;
      }
    }
  };
  return tensors.map(({ t, field }) => {
    const shape = t.axes.map((a) => sizeOf(a, 0));
    const samples = shape.reduce((p, s) => (Number.isFinite(s) ? p * s : Infinity), 1);
    const largestAxis = shape.reduce((best, s, i) => (!(s <= shape[best]) ? i : best), 0);
    const sizing = t.axes[largestAxis]?.type === 'channel' ? 'channel_names' : 'size';
    return { field, shape, axisIds: t.axes.map((a) => a.id), samples, largestAxis, largestField: `${field}.axes[${largestAxis}].${sizing}` };
  });
}

export interface TensorSizeLimit extends TensorExtentOptions {
  /** The most samples (all axes) one tensor may hold. */
  maxSamples: number;
  /** The cap, for the message: `the limit of 2048 megavoxels (system.max_image_megavoxels)`. */
  limit: string;
  /** What to do, given the samples the largest tensor needs. */
  hint?(samples: number): string;
  /** The description file, for the message. */
  file?: string;
}

/**
 * Refuse a description whose largest tensor (`tensorExtents`) holds more than `limit.maxSamples`,
 * naming its largest axis' size field, the shape, and the cap. Halos need no check of their own: a
 * halo leaves at least one valid pixel of the size it sits in (`checkModelDescription`), so it is
 * bounded by the sizes checked here.
 */
export function checkTensorSizes(d: ModelDescription, limit: TensorSizeLimit): void {
  const over = tensorExtents(d, limit)
    .filter((e) => !(e.samples <= limit.maxSamples))
    .sort((a, b) => b.samples - a.samples)[0];
  if (!over) return;
  throw new BioimageioError(
    `${over.field} takes tensors of ${over.shape.join('×')} (${over.axisIds.join(', ')}) = ${millions(over.samples)}, more than ${limit.limit}; refused before any tensor is allocated`,
    { file: limit.file, field: over.largestField, hint: limit.hint?.(over.samples) },
  );
}

function millions(samples: number): string {
  if (!Number.isFinite(samples)) return 'more samples than a number holds';
  const m = samples / 1e6;
  return `${m >= 1 ? String(Math.round(m)) : String(Number(m.toPrecision(2)))} million samples`;
}
