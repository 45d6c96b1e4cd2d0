import type { KernelOf as Kernel } from './named-above';

/**
 * A biaflow plugin. It only registers things in `apply`: hook taps, config sections,
 * post-processing methods, DI registrations. It never drives the run itself.
 */
export interface BiaflowPlugin {
  /** Unique name, usually the npm package name. */
  name: string;
  /** The plugin's own version (semver). */
  version: string;
  /** Range of @biaflow/core versions the plugin works with, e.g. `^0.1.0`. */
  core: string;
  description?: string;
  apply(kernel: Kernel): void | Promise<void>;
}

/** A module may export a plugin, or a factory that takes the options listed in the config. */
export type PluginFactory<Options = Record<string, unknown>> = (options?: Options) => BiaflowPlugin;

/** Typed helper for plugin authors; returns its argument. */
export function definePlugin<Options = Record<string, unknown>>(factory: PluginFactory<Options>): PluginFactory<Options>;
export function definePlugin(plugin: BiaflowPlugin): BiaflowPlugin;
export function definePlugin(p: BiaflowPlugin | PluginFactory): BiaflowPlugin | PluginFactory {
  return p;
}

export function isPlugin(value: unknown): value is BiaflowPlugin {
  const p = value as BiaflowPlugin;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.name === 'string' &&
    typeof p.version === 'string' &&
    typeof p.apply === 'function'
  );
}
