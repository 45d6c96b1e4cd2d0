import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { Kernel } from '../kernel/kernel';
import { corePlugin } from './core-plugin';
import { tapWorkflowStages } from './workflow-stages';

/** A kernel with core's own behaviour applied (its taps and default services), ready for plugins. */
export async function createKernel(parent: DependencyContainer = rootContainer): Promise<Kernel> {
  const kernel = new Kernel(parent);
  await kernel.useBuiltIn(corePlugin, tapWorkflowStages);
  return kernel;
}
