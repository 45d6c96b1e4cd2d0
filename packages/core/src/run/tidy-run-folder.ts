import path from 'node:path';
import { BUNDLE_META } from '../kernel/contributions/model-bundle';
import { isLeftover, removeLeftovers, restoreSwappedDir } from '@biaflow/fs';
import { isRunEntry, RunFiles } from './run-files';

interface TidyOptions {
  /**
   * Put back `model/`, `checkpoints/last` and `checkpoints/best` when a kill between the two
   * renames of their replacement left them only under temporary names. Only when re-using a run
   * (`--resume`, `postprocess`): after `--overwrite` a leftover copy is the replaced run's.
   */
  restore: boolean;
  /** The training engine's restoring of its checkpoints (`TrainingEngine.restoreCheckpoints`), when it has one. */
  restoreCheckpoints?: (checkpointsDir: string, isStale: (name: string) => boolean) => Promise<string[]>;
}

/**
 * The one place a run folder is tidied, called when a command starts on an existing run folder
 * and at the end of every successful run: restore interrupted folder swaps (see above), then remove
 * the temporary files and folders left by dead processes (and by this one), among the run's own
 * entries only. Returns one line per thing done, for the log.
 */
export async function tidyRunFolder(runDir: string, { restore, restoreCheckpoints }: TidyOptions): Promise<string[]> {
  const actions: string[] = [];
  if (restore) {
    if (restoreCheckpoints) actions.push(...(await restoreCheckpoints(path.join(runDir, RunFiles.checkpoints), isLeftover)));
    const model = await restoreSwappedDir(path.join(runDir, RunFiles.model), { complete: BUNDLE_META });
    if (model) actions.push(model);
  }
  actions.push(...(await removeLeftovers(runDir, isLeftover, (name) => isRunEntry(name))));
  return actions;
}
