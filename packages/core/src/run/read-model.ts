import fs from 'node:fs';
import { isBundle, readBundleMeta } from './bundle-files';
import { InputError } from '../errors';
import type { ModelFormat, ModelSource } from '../kernel/contributions/model-format';
import type { Kernel } from '../kernel/kernel';
import { FIRST_PARTY_MODEL_FORMATS } from '../kernel/first-party';
import { useInstalledModelFormats } from '../plugins/installed-formats';
import { Tokens } from '../kernel/tokens';
import type { Logger } from '../logging/logger';

/** A model as read, with the format that read it (none for biaflow's own bundles). */
interface ReadModel {
  source: ModelSource;
  /** The format that read it, and the plugin that registered the format; absent for a biaflow bundle. */
  format?: { name: string; plugin?: string };
}

/**
 * Read the model at `target`: a biaflow bundle as it is, anything else through the first model format
 * of the kernel (latest registered first) that recognizes it. A model no format reads is an
 * `InputError` naming the formats the kernel has. `maxMegavoxels` (the run's
 * `system.max_image_megavoxels`) caps the tensors a format's model declares.
 */
export async function readModel(target: string, kernel: Kernel, options: { logger?: Logger; maxMegavoxels?: number; cwd?: string } = {}): Promise<ReadModel> {
  const { logger, maxMegavoxels, cwd = process.cwd() } = options;
  if (isBundle(target)) return { source: { kind: 'bundle', dir: target, meta: await readBundleMeta(target) } };
  if (!fs.existsSync(target)) {
    throw new InputError('does not exist', { file: target, hint: "give a model bundle (a run's model/ folder), a model package of a format a plugin reads, or an installed model's name" });
  }
  const recognizing = async () => {
    for (const format of [...kernel.resolveAll<ModelFormat>(Tokens.ModelFormat)].reverse()) if (await format.recognizes(target)) return format;
    return undefined;
  };
  // A config that names a model of another format (model.load) need not list the plugin that reads
  // it: the installed packages that declare a model format are applied when no loaded one reads it.
  let format = await recognizing();
  if (!format && (await useInstalledModelFormats(kernel, cwd)) > 0) format = await recognizing();
  if (format) {
    const source = await format.read(target, { logger, maxMegavoxels });
    return { source, format: { name: format.name, plugin: kernel.pluginOfFormat(format) } };
  }
  const formats = kernel.resolveAll<ModelFormat>(Tokens.ModelFormat);
  const names = formats.map((f) => f.name).join(', ') || 'none loaded';
  const missing = Object.entries(FIRST_PARTY_MODEL_FORMATS).filter(([name]) => !formats.some((f) => f.name === name));
  const hint = [
    "point to a run's model/ folder or checkpoints/best",
    ...formats.map((f) => `a ${f.name} model`),
    ...missing.map(([, m]) => `${m.reads} are read by ${m.package} (npm i ${m.package})`),
  ].join('; ');
  if (fs.statSync(target).isDirectory() && !fs.existsSync(`${target}/biaflow.json`)) {
    throw new InputError(`is not a biaflow model bundle (no biaflow.json) nor a model of a format the loaded plugins read (${names})`, { file: target, hint });
  }
  // A folder with biaflow.json but no model.json, or a file: readBundleMeta says what is wrong.
  if (fs.statSync(target).isDirectory()) await readBundleMeta(target);
  throw new InputError(`is not a model of a format the loaded plugins read (${names})`, { file: target, hint });
}
