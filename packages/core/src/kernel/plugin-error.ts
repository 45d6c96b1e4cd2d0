import { BiaflowError, exitCodeOf, hintOf } from '../errors';

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

export function wrapPluginError(plugin: string, hook: string, error: unknown): PluginError {
  return error instanceof PluginError ? error : new PluginError(plugin, hook, error);
}
