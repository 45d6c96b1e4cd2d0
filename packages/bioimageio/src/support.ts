import type { DescriptionIssue } from './errors';
import { BioimageioError } from './errors';
import type { ModelDescription } from './description/types';
import { axisRoles } from './layout';
import { PROCESSING_OPS, isSupportedProcessingOp } from './processing/registry';
import { quote } from './printable';

/**
 * What biaflow cannot run in a valid description: axes it has no place for (time, index, space
 * axes not called x, y, z) and processing operations it does not implement, by field.
 */
export function unsupportedFeatures(d: ModelDescription): DescriptionIssue[] {
  const issues: DescriptionIssue[] = [];
  const tensors = [
    ...d.inputs.map((t, i) => ({ t, field: `inputs[${i}]`, steps: t.preprocessing, list: 'preprocessing' })),
    ...d.outputs.map((t, i) => ({ t, field: `outputs[${i}]`, steps: t.postprocessing, list: 'postprocessing' }))
  ];
  for (const { t, field, steps, list } of tensors) {
    try {
      axisRoles(t.axes, { field });
    } catch (e) {
      if (!(e instanceof BioimageioError)) throw e;
      issues.push({ field: e.field ?? field, message: e.message.replace(`${e.field}: `, '') });
    }
    steps.forEach((s, k) => {
      if (!isSupportedProcessingOp(s.id)) {
        issues.push({
          field: `${field}.${list}[${k}].id`,
          message: `${list} operation ${quote(s.id)} is not supported by biaflow (supported: ${Object.keys(PROCESSING_OPS).join(', ')})`
        });
      }
    });
  }
  return issues;
}
