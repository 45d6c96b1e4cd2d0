import { definePlugin, Tokens, type BiaflowPlugin, type TerminalDisplay } from '@biaflow/core';
import { BIAFLOW_VERSION } from '../version';
import { terminalProgress } from './terminal-progress';

/** The CLI's progress on stderr, opened by the run commands once per run (`--no-progress`: `bars: false`). */
export const terminalDisplay: TerminalDisplay = { open: ({ bars }) => terminalProgress({ bars }) };

/**
 * The distribution's own contribution to every kernel it creates: the terminal display (bars on a terminal,
 * else plain lines). Named as its package, like the other default plugins, so a run's versions name the
 * biaflow that ran it.
 */
export const terminalPlugin: BiaflowPlugin = definePlugin({
  name: 'biaflow',
  version: BIAFLOW_VERSION,
  core: '^0.1.0',
  description: "the biaflow command's progress on the terminal: bars on a terminal, else a plain line every few seconds",
  apply(kernel) {
    kernel.provide(Tokens.TerminalDisplay, terminalDisplay);
  },
});
