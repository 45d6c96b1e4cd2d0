import path from 'node:path';
import { isBundle } from './bundle-files';
import { ConfigError } from '../errors';
import { resolveModelRef } from '../plugins/model-names';
import type { RunContext } from '../kernel/run-context';
import { readModel } from './read-model';

/** Where `model.load` points: a path as resolved when the config was read, or an installed model's name looked up now. */
export function modelLoadPath(run: Pick<RunContext, 'config' | 'configPath'>): string | undefined {
  const load = run.config.model?.load;
  if (!load) return undefined;
  return resolveModelRef(load, run.configPath ? path.dirname(run.configPath) : process.cwd(), 'model.load');
}

/** Refuse, before any work, a `model.load` that training cannot start from (checked again when training starts). */
export async function checkModelToFineTune(run: RunContext): Promise<void> {
  const start = await bundleToFineTune(run);
  await start?.dispose();
}

/**
 * The biaflow bundle `model.load` gives training to fine-tune: a bundle as it is, or the one a model
 * format unpacks (a zoo package's `tensorflow_js` weights exported by biaflow). A model a format can
 * only run (ONNX weights) is a config error saying why; `dispose` removes what the format unpacked.
 */
export async function bundleToFineTune(run: RunContext): Promise<{ dir: string; dispose(): Promise<void> } | undefined> {
  const ref = modelLoadPath(run);
  if (!ref || isBundle(ref)) return ref ? { dir: ref, dispose: async () => {} } : undefined;
  const { source } = await readModel(ref, run.kernel, { logger: run.logger, maxMegavoxels: run.config.system.max_image_megavoxels });
  if (source.kind === 'network') {
    await source.dispose?.();
    throw new ConfigError([{ path: 'model.load', message: `${ref} cannot be fine-tuned: ${source.untrainable}` }]);
  }
  return { dir: source.dir, dispose: async () => void (await source.dispose?.()) };
}
