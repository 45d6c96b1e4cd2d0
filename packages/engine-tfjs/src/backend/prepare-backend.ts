import { silentLogger, type Logger } from '@biaflow/core';
import { loadTf } from './load-tf';
import { selectBackend, type BackendChoice, type SelectedBackend } from './select-backend';

/**
 * Select the tfjs backend outside a run (a contributed command, a script): what `system.backend` and
 * `system.threads` do for a run. Without it tfjs falls back to its slow cpu backend.
 */
export function prepareBackend(choice: BackendChoice = 'auto', options: { threads?: number | 'auto'; logger?: Logger } = {}): Promise<SelectedBackend> {
  return selectBackend(loadTf(), choice, options.logger ?? silentLogger(), { threads: options.threads });
}
