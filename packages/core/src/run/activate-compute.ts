import { UsageError } from '../errors';
import type { ActiveBackend, ComputeBackend } from '../kernel/contributions/compute-backend';
import type { Logger } from '../kernel/contributions/logger';
import type { Kernel } from '../kernel/kernel';
import { Tokens } from '../kernel/tokens';
import type { ResolvedConfig } from '../kernel/config/schema';

/**
 * Make the kernel's compute backend active for a run, as `system.backend` and `system.threads` say:
 * what `RunContext.tf`, `backend` and `threads` become. A kernel without one cannot compute.
 */
export async function activateCompute(kernel: Kernel, config: Pick<ResolvedConfig, 'system'>, logger: Logger): Promise<ActiveBackend> {
  const backends = kernel.resolveAll<ComputeBackend>(Tokens.ComputeBackend);
  const backend = backends[backends.length - 1];
  if (!backend) {
    throw new UsageError(
      'no compute backend is registered: nothing can train or predict',
      'install and load @biaflow/engine-tfjs (the `biaflow` package applies it to every run)',
    );
  }
  return backend.activate({ backend: config.system.backend, threads: config.system.threads }, logger);
}
