import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors';
import { packageFile } from '@biaflow/fs';
import { checkSettingsFileSize } from '@biaflow/fs';
import { clip } from '@biaflow/image';
import { checkBundleMeta } from '../bundle-format';
import { BUNDLE_META, MODEL_JSON, type BundleMeta } from '../kernel/contributions/model-bundle';

/** True when `dir` holds a biaflow model bundle. */
export function isBundle(dir: string): boolean {
  return fs.existsSync(path.join(dir, BUNDLE_META)) && fs.existsSync(path.join(dir, MODEL_JSON));
}

/** Read and check `biaflow.json`. */
export async function readBundleMeta(dir: string): Promise<BundleMeta> {
  const file = path.join(path.resolve(dir), BUNDLE_META);
  let meta: unknown;
  checkSettingsFileSize(file, "a model bundle's biaflow.json");
  try {
    const real = packageFile(dir, BUNDLE_META);
    if (real === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
    meta = JSON.parse(await fs.promises.readFile(real, 'utf8'));
  } catch (e) {
    if (e instanceof InputError) throw e;
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InputError(missing ? 'is missing: this folder is not a biaflow model bundle' : `cannot be read: ${clip((e as Error).message)}`, {
      file,
      hint: missing ? 'point to the model/ folder of a run, or to checkpoints/best or checkpoints/last' : undefined,
      cause: e,
    });
  }
  return checkBundleMeta(meta, file);
}

/**
 * Whether a bundle's network outputs per voxel or per image: `network_output` in `biaflow.json`, or,
 * for bundles written before it existed, the class of the network's output layer (every per-image
 * network biaflow wrote ends in a Dense layer; per-voxel ones in a convolution or activation).
 */
export function bundleNetworkOutput(dir: string, meta: BundleMeta): 'spatial' | 'global' {
  if (meta.network_output) return meta.network_output;
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), 'utf8')) as { modelTopology?: { config?: { layers?: { name: string; class_name: string }[]; output_layers?: [string, number, number][] } } };
    const config = json.modelTopology?.config;
    const out = config?.output_layers?.[0]?.[0];
    return config?.layers?.find((l) => l.name === out)?.class_name === 'Dense' ? 'global' : 'spatial';
  } catch {
    return 'spatial';
  }
}
