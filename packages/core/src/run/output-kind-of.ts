import { UsageError } from '../errors';
import type { OutputKind } from '../kernel/contributions/output-kind';
import type { Kernel } from '../kernel/kernel';
import type { WorkflowDriver } from '../kernel/workflow-driver';

/** The output kind a workflow declares, from the kernel's registered ones; one no plugin registers is a usage error naming both. */
export function outputKindOf(kernel: Pick<Kernel, 'outputKinds'>, workflow: Pick<WorkflowDriver, 'name' | 'plugin' | 'output'>): OutputKind {
  const kind = kernel.outputKinds.get(workflow.output);
  if (!kind) {
    const known = [...kernel.outputKinds.keys()];
    throw new UsageError(
      `the ${workflow.name} workflow (from ${workflow.plugin}) writes results of kind "${workflow.output}", which no loaded plugin registers${known.length ? ` (registered: ${known.join(', ')})` : ''}`,
      'load the plugin that registers that output kind (kernel.registerOutputKind), or report it to the workflow\'s authors',
    );
  }
  return kind;
}
