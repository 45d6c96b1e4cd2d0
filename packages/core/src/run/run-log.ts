import path from 'node:path';
import { inject, injectable } from 'tsyringe';
import { assertNoLinkInRunFolder } from '@biaflow/fs';
import { Tokens } from '../kernel/tokens';
import { createLogger, type Logger } from '../logging/logger';
import { RunFiles, RunFolder, type RunRequest } from './run-folder';

/**
 * The run's own log (`Tokens.RunLog`), opened by the run's container in its folder: `log.jsonl`
 * (appended to, never through a link planted in a shared run folder) and the terminal at the level
 * asked. Core's `Tokens.Logger` unless a plugin provides another; `startRun` closes it.
 */
@injectable()
export class RunLog {
  readonly logger: Logger;
  readonly close: () => void;

  constructor(@inject(Tokens.RunFolder) folder: RunFolder, @inject(Tokens.RunRequest) request: RunRequest) {
    const file = path.join(folder.dir, RunFiles.log);
    assertNoLinkInRunFolder(folder.dir, file);
    ({ logger: this.logger, close: this.close } = createLogger({ level: request.logLevel ?? 'info', file }));
  }
}
