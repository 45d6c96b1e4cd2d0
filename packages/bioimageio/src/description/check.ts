import type { DescriptionIssue } from '../errors';
import { isDataDependentSize, isParameterizedSize, isSizeReference, referencedSize } from './sizes';
import type { Axis, ModelDescription, TensorDescr } from './types';
import { quote } from '../printable';

interface LocatedAxis {
  tensor: TensorDescr;
  axis: Axis;
  field: string;
  io: 'inputs' | 'outputs';
}

/**
 * Relations between fields the JSON schema cannot express, as the spec's own validators check
 * them: unique tensor ids, size references that resolve to an input (or output) axis of fixed or
 * `{min, step}` size, halos that leave at least one valid pixel, and processing kwargs that name
 * existing axes and input tensors.
 */
export function checkModelDescription(d: ModelDescription): DescriptionIssue[] {
  const issues: DescriptionIssue[] = [];
  const tensors: { t: TensorDescr; field: string; io: 'inputs' | 'outputs' }[] = [
    ...d.inputs.map((t, i) => ({ t, field: `inputs[${i}]`, io: 'inputs' as const })),
    ...d.outputs.map((t, i) => ({ t, field: `outputs[${i}]`, io: 'outputs' as const }))
  ];
  const seen = new Map<string, string>();
  for (const { t, field } of tensors) {
    const first = seen.get(t.id);
    if (first) issues.push({ field: `${field}.id`, message: `duplicate tensor id ${quote(t.id)} (also ${first}.id)` });
    else seen.set(t.id, field);
  }

  const axes = new Map<string, LocatedAxis>();
  for (const { t, field, io } of tensors) {
    t.axes.forEach((axis, a) => axes.set(`${t.id}.${axis.id}`, { tensor: t, axis, field: `${field}.axes[${a}]`, io }));
  }

  for (const { t, field, io } of tensors) {
    t.axes.forEach((axis, a) => {
      if (axis.type === 'batch' || axis.type === 'channel') return;
      const path = `${field}.axes[${a}]`;
      const size = axis.size;
      if (!isSizeReference(size)) return;
      const ref = axes.get(`${size.tensor_id}.${size.axis_id}`);
      if (!ref) {
        const tensorExists = tensors.some((x) => x.t.id === size.tensor_id);
        issues.push({
          field: `${path}.size`,
          message: tensorExists
            ? `refers to axis ${quote(size.axis_id)} of tensor ${quote(size.tensor_id)}, which has no such axis (axes: ${tensors.find((x) => x.t.id === size.tensor_id)!.t.axes.map((x) => x.id).join(', ')})`
            : `refers to tensor ${quote(size.tensor_id)}, which is not described (tensors: ${tensors.map((x) => x.t.id).join(', ')})`
        });
        return;
      }
      if (ref.tensor === t && ref.axis === axis) {
        issues.push({ field: `${path}.size`, message: 'an axis cannot take its size from itself' });
        return;
      }
      if (io === 'inputs' && ref.io === 'outputs') {
        issues.push({ field: `${path}.size`, message: `an input axis may only refer to input axes, not to ${ref.field}` });
        return;
      }
      const refAxis = ref.axis;
      if (refAxis.type === 'batch') {
        issues.push({ field: `${path}.size`, message: `refers to the batch axis ${ref.field}; a batch axis cannot be referenced` });
        return;
      }
      if (refAxis.type === 'channel') {
        issues.push({ field: `${path}.size`, message: `refers to the channel axis ${ref.field}; a ${axis.type} axis must refer to an axis with a size` });
        return;
      }
      if (isSizeReference(refAxis.size) || isDataDependentSize(refAxis.size)) {
        issues.push({ field: `${path}.size`, message: `refers to ${ref.field}, whose size is itself a reference or data dependent; refer to an axis with a fixed or {min, step} size` });
        return;
      }
      const unit = 'unit' in axis ? axis.unit : null;
      const refUnit = 'unit' in refAxis ? refAxis.unit : null;
      if (unit !== refUnit) issues.push({ field: `${path}.unit`, message: `must equal the unit of the referenced axis ${ref.field} (${refUnit ?? 'none'}), got ${unit ?? 'none'}` });

      if ((axis.type === 'space' || axis.type === 'time') && axis.halo > 0) {
        const refScale = 'scale' in refAxis ? refAxis.scale : 1;
        const refMin = typeof refAxis.size === 'number' ? refAxis.size : isParameterizedSize(refAxis.size) ? refAxis.size.min : 0;
        const minSize = referencedSize(size, refMin, refScale, axis.scale);
        if (minSize - 2 * axis.halo < 1) {
          issues.push({
            field: `${path}.halo`,
            message: `halo ${axis.halo} on each side leaves no valid pixel: the smallest size of axis ${quote(axis.id)} is ${minSize} (from ${ref.field}), and ${minSize} - 2*${axis.halo} < 1`
          });
        }
        const inputHalo = (axis.halo * axis.scale) / refScale;
        if (!Number.isInteger(inputHalo)) {
          issues.push({ field: `${path}.halo`, message: `halo ${axis.halo} * scale ${axis.scale} / ${ref.field}.scale ${refScale} = ${inputHalo} is not a whole number of input pixels` });
        }
      }
    });
  }

  const inputIds = new Set(d.inputs.map((t) => t.id));
  for (const { t, field, io } of tensors) {
    const steps = io === 'inputs' ? (t as ModelDescription['inputs'][number]).preprocessing : (t as ModelDescription['outputs'][number]).postprocessing;
    const stepsField = `${field}.${io === 'inputs' ? 'preprocessing' : 'postprocessing'}`;
    const axisIds = t.axes.map((a) => a.id);
    steps.forEach((step, s) => {
      const kw = step.kwargs;
      const kwField = `${stepsField}[${s}].kwargs`;
      if (Array.isArray(kw.axes)) {
        for (const a of kw.axes) {
          if (!axisIds.includes(String(a))) issues.push({ field: `${kwField}.axes`, message: `axis ${quote(String(a))} is not an axis of tensor ${quote(t.id)} (${axisIds.join(', ')})` });
        }
      }
      if (typeof kw.axis === 'string' && !axisIds.includes(kw.axis)) {
        issues.push({ field: `${kwField}.axis`, message: `axis ${quote(kw.axis)} is not an axis of tensor ${quote(t.id)} (${axisIds.join(', ')})` });
      }
      if (typeof kw.reference_tensor === 'string' && !inputIds.has(kw.reference_tensor)) {
        issues.push({ field: `${kwField}.reference_tensor`, message: `${quote(kw.reference_tensor)} is not an input tensor (inputs: ${[...inputIds].join(', ')})` });
      }
    });
  }

  for (const [format, w] of Object.entries(d.weights)) {
    if (!w?.parent) continue;
    if (w.parent === format) issues.push({ field: `weights.${format}.parent`, message: 'a weights entry cannot be its own parent' });
    else if (!d.weights[w.parent]) issues.push({ field: `weights.${format}.parent`, message: `${quote(w.parent)} is not one of the weights entries (${Object.keys(d.weights).join(', ')})` });
  }
  return issues;
}
