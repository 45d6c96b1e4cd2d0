import { loadConfig as loadWith, type ConfigRequest, type LoadedConfig } from '@biaflow/core';
import { createKernel } from './default-kernel';

/**
 * Read, layer and validate a config as `biaflow` does (`--config` file < `--set`), with the plugins
 * it lists loaded into `request.kernel` — by default a new kernel with biaflow's default plugins.
 */
export async function loadConfig(request: Omit<ConfigRequest, 'kernel'> & { kernel?: ConfigRequest['kernel'] }): Promise<LoadedConfig> {
  return loadWith({ ...request, kernel: request.kernel ?? (await createKernel()) });
}
