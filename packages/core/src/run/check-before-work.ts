import type { ResolvedConfig } from '../kernel/config/schema';
import type { CheckedStages, DataPipeline } from '../kernel/contributions/data-pipeline';
import type { Kernel } from '../kernel/kernel';
import { Tokens } from '../kernel/tokens';
import { ConfigError } from '../errors';

/**
 * Throw every issue the data pipeline finds in a config before work (no training, no pixel decoded:
 * `DataPipeline.checkBeforeWork`) as one ConfigError (exit 2). Without a data pipeline, nothing is checked.
 */
export function checkBeforeWork(config: ResolvedConfig, kernel: Kernel, stages: CheckedStages, source?: string): void {
  const container = kernel.runContainer(config);
  if (!container.isRegistered(Tokens.DataPipeline, true)) return;
  const issues = container.resolve<DataPipeline>(Tokens.DataPipeline).checkBeforeWork(config, kernel, stages);
  if (issues.length) throw new ConfigError(issues, source);
}
