import type { AxisSize, DataDependentSize, ParameterizedSize, SizeReference } from './types';

export function isSizeReference(size: AxisSize): size is SizeReference {
  return typeof size === 'object' && 'tensor_id' in size;
}

export function isParameterizedSize(size: AxisSize): size is ParameterizedSize {
  return typeof size === 'object' && 'step' in size;
}

export function isDataDependentSize(size: AxisSize): size is DataDependentSize {
  return typeof size === 'object' && !('step' in size) && !('tensor_id' in size);
}

/** The smallest valid `min + n*step` that is >= `wanted`. */
export function validParameterizedSize(size: ParameterizedSize, wanted: number): number {
  if (wanted <= size.min) return size.min;
  return size.min + Math.ceil((wanted - size.min) / size.step) * size.step;
}

/** The size of an axis given by a reference: `ref * refScale / scale + offset`, rounded down. */
export function referencedSize(reference: SizeReference, referenceSize: number, referenceScale: number, scale: number): number {
  return Math.floor((referenceSize * referenceScale) / scale + reference.offset);
}
