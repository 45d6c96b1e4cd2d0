import fs from 'node:fs';
import { isBundle, readBundleMeta } from '../engine/bundle/save-load';
import { InputError } from '../errors';
import type { ModelFormat, ModelSource } from '../kernel/contributions/model-format';
import type { Kernel } from '../kernel/kernel';
import { Tokens } from '../kernel/tokens';
import type { Logger } from '../logging/logger';

/** A model as read, with the format that read it (none for biaflow's own bundles). */
export interface ReadModel {
  source: ModelSource;
  /** The format that read it, and the plugin that registered the format; absent for a biaflow bundle. */
  format?: { name: string; plugin?: string };
}

/**
 * Read the model at `target`: a biaflow bundle as it is, anything else through the first model format
 * of the kernel (latest registered first) that recognizes it. A model no format reads is an
 * `InputError` naming the formats the kernel has.
 */
export async function readModel(target: string, kernel: Kernel, logger?: Logger): Promise<ReadModel> {
  if (isBundle(target)) return { source: { kind: 'bundle', dir: target, meta: await readBundleMeta(target) } };
  if (!fs.existsSync(target)) {
    throw new InputError('does not exist', { file: target, hint: "give a model bundle (a run's model/ folder), a model package of a format a plugin reads, or an installed model's name" });
  }
  const formats = [...kernel.resolveAll<ModelFormat>(Tokens.ModelFormat)].reverse();
  for (const format of formats) {
    if (await format.recognizes(target)) {
      const source = await format.read(target, { logger });
      return { source, format: { name: format.name, plugin: kernel.pluginOfFormat(format) } };
    }
  }
  if (fs.statSync(target).isDirectory() && !fs.existsSync(`${target}/biaflow.json`)) {
    throw new InputError(
      `is not a biaflow model bundle (no biaflow.json) nor a model of a format the loaded plugins read (${formats.map((f) => f.name).join(', ') || 'none loaded'})`,
      { file: target, hint: "point to a run's model/ folder or checkpoints/best; BioImage Model Zoo packages are read by @biaflow/engine-onnx (npm i @biaflow/engine-onnx)" },
    );
  }
  // A folder with biaflow.json but no model.json, or a file: readBundleMeta says what is wrong.
  if (fs.statSync(target).isDirectory()) await readBundleMeta(target);
  throw new InputError(
    `is not a model of a format the loaded plugins read (${formats.map((f) => f.name).join(', ') || 'none loaded'})`,
    { file: target, hint: "point to a run's model/ folder; BioImage Model Zoo packages (.zip, bioimageio.yaml) are read by @biaflow/engine-onnx" },
  );
}
