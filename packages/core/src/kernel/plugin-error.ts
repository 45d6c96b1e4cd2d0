import { BiaflowError, exitCodeOf, hintOf, isDataError } from '../errors';

/**
 * Any error thrown inside a plugin's hook tap or post-processing method, wrapped once with the
 * plugin and hook it came from (rollup's PluginDriver does the same). A user-facing error thrown by
 * the plugin keeps its exit code, so a bad input found by a plugin still exits 2.
 */
export class PluginError extends BiaflowError {
  readonly plugin: string;
  readonly hook: string;

  constructor(plugin: string, hook: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`plugin "${plugin}" failed in hook "${hook}": ${reason}`, {
      exitCode: exitCodeOf(cause),
      hint: hintOf(cause),
      cause,
    });
    this.plugin = plugin;
    this.hook = hook;
  }
}

/**
 * What a throw inside a plugin's tap, method or `apply` becomes: a `PluginError` naming the plugin and
 * hook — unless it is one already, or a problem of the person's data that biaflow's own checks found
 * (`DataError`: the data check before training, core's readers and label checks, called back from the
 * plugin's stage), which stays biaflow's own input error, naming the file (exit 2).
 */
export function wrapPluginError(plugin: string, hook: string, error: unknown): unknown {
  if (error instanceof PluginError || isDataError(error)) return error;
  return new PluginError(plugin, hook, error);
}
