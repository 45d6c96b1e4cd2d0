import semver from 'semver';
import type { BundleMeta } from '../kernel/contributions/model-bundle';
import { UsageError } from '../errors';
import type { Logger } from '../logging/logger';

/**
 * The config that predicts with a model bundle: the config it was trained with, for its own
 * workflow, with training off, the bundle as `model.load` and `test` as the test data, and the
 * plugins its training run loaded (by package name; they load only from the person's own
 * installation: `loadConfig` with trust `saved`). Shared by `biaflow predict --model` and
 * `loadWorkflowModel`.
 */
export function configFromBundle(meta: BundleMeta, modelDir: string, test: Record<string, unknown> = {}, formatPlugin?: string): Record<string, unknown> {
  if (!meta.problem) throw new UsageError(`${modelDir} does not say which workflow trained it`, 'pass a --config, or load it with loadModel() and predict the network output');
  const trained = (meta.config ?? {}) as Record<string, Record<string, unknown>>;
  const plugins = [...(meta.plugins ?? []).map((p) => p.name), ...(formatPlugin && !(meta.plugins ?? []).some((p) => p.name === formatPlugin) ? [formatPlugin] : [])];
  return {
    ...trained,
    ...(plugins.length ? { plugins } : {}),
    problem: { ...(trained.problem ?? {}), type: meta.problem },
    train: { ...(trained.train ?? {}), enabled: false },
    model: { ...(trained.model ?? {}), load: modelDir },
    data: { ...(trained.data ?? {}), test },
  };
}

/** A plugin loaded in another version than the bundle was trained with: said, not refused (the bundle may still work). */
export function warnPluginVersions(meta: BundleMeta, kernel: { plugins: readonly { name: string; version: string }[] }, logger?: Logger): void {
  for (const needed of meta.plugins ?? []) {
    const loaded = kernel.plugins.find((p) => p.name === needed.name);
    if (loaded && semver.validRange(needed.version) && !semver.satisfies(loaded.version, needed.version, { includePrerelease: true })) {
      logger?.warn({ event: 'plugin-version', plugin: needed.name, needed: needed.version, loaded: loaded.version }, `the model was trained with ${needed.name} ${needed.version}; ${loaded.version} is installed`);
    }
  }
}
