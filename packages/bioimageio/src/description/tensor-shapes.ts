import type { DescriptionIssue } from '../errors';
import { isDataDependentSize, isParameterizedSize, isSizeReference, referencedSize } from './sizes';
import type { ModelDescription, TensorDescr } from './types';
import { quote } from '../printable';

/**
 * Check actual tensor shapes (test tensors, or arrays about to be run) against the axes their
 * descriptions declare, as the spec's `validate_tensors` does: one dimension per axis, fixed
 * sizes equal, `{min, step}` sizes of the form min + n*step, references equal to
 * `ref * ref.scale / scale + offset` of the referenced tensor's actual size.
 * `shapes` maps tensor ids to shapes; tensors without a shape are skipped.
 */
export function checkTensorShapes(d: ModelDescription, shapes: ReadonlyMap<string, readonly number[]>, origin = 'test_tensor'): DescriptionIssue[] {
  const issues: DescriptionIssue[] = [];
  const located: { t: TensorDescr; field: string }[] = [
    ...d.inputs.map((t, i) => ({ t, field: `inputs[${i}]` })),
    ...d.outputs.map((t, i) => ({ t, field: `outputs[${i}]` }))
  ];
  const byId = new Map(located.map((x) => [x.t.id, x.t]));

  for (const { t, field } of located) {
    const shape = shapes.get(t.id);
    if (!shape) continue;
    if (shape.length !== t.axes.length) {
      issues.push({
        field: `${field}.${origin}`,
        message: `has ${shape.length} dimensions [${shape.join(', ')}], but ${t.axes.length} axes are declared (${t.axes.map((a) => a.id).join(', ')})`
      });
      continue;
    }
    t.axes.forEach((axis, a) => {
      const actual = shape[a];
      const where = `${field}.${origin}`;
      const what = `axis ${quote(axis.id)} (${field}.axes[${a}])`;
      if (axis.type === 'batch') {
        if (axis.size === 1 && actual !== 1) issues.push({ field: where, message: `${what} has size ${actual}, the batch size is fixed to 1` });
        return;
      }
      if (axis.type === 'channel') {
        if (actual !== axis.channel_names.length) {
          issues.push({ field: where, message: `${what} has ${actual} channels, ${axis.channel_names.length} are named (${axis.channel_names.join(', ')})` });
        }
        return;
      }
      const size = axis.size;
      if (typeof size === 'number') {
        if (actual !== size) issues.push({ field: where, message: `${what} has size ${actual}, expected ${size}` });
      } else if (isParameterizedSize(size)) {
        if (actual < size.min || (actual - size.min) % size.step !== 0) {
          issues.push({ field: where, message: `${what} has size ${actual}, expected min + n*step = ${size.min} + n*${size.step}` });
        }
      } else if (isSizeReference(size)) {
        const refTensor = byId.get(size.tensor_id);
        const refShape = shapes.get(size.tensor_id);
        const refIndex = refTensor ? refTensor.axes.findIndex((x) => x.id === size.axis_id) : -1;
        if (!refTensor || refIndex < 0 || !refShape || refShape.length !== refTensor.axes.length) return;
        const refAxis = refTensor.axes[refIndex];
        const refScale = 'scale' in refAxis ? refAxis.scale : 1;
        const scale = 'scale' in axis ? axis.scale : 1;
        const expected = referencedSize(size, refShape[refIndex], refScale, scale);
        if (actual !== expected) {
          issues.push({ field: where, message: `${what} has size ${actual}, expected ${expected} (from ${size.tensor_id}.${size.axis_id} = ${refShape[refIndex]})` });
        }
      } else if (isDataDependentSize(size)) {
        if (actual < size.min || (size.max !== null && actual > size.max)) {
          issues.push({ field: where, message: `${what} has size ${actual}, expected ${size.min} to ${size.max ?? 'any'}` });
        }
      }
    });
  }
  return issues;
}
