import type { Command } from 'commander';

/** Where a contributed command writes and which folder it runs in. */
export interface CommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  /** Makes a kernel as the distribution does (core's behaviour plus its default plugins), for commands that load a config. */
  createKernel?: () => Promise<import('../named-above').KernelOf>;
}

/**
 * A CLI command a plugin contributes (`kernel.registerCommand`), e.g. `export` or `test-model` from
 * a package with optional native dependencies. Its name and description are also listed in the
 * package's `biaflow` manifest, so `biaflow --help` shows it without loading the plugin; the plugin
 * is loaded when the command runs.
 */
export interface CommandContribution {
  name: string;
  description: string;
  /** Add arguments and options to the (already named and described) command. */
  define?(command: Command): void;
  /** Run it: positional arguments, parsed options. Errors are reported like core's (exit 2 for bad input). */
  run(args: string[], options: Record<string, unknown>, io: CommandIO): Promise<void>;
}
