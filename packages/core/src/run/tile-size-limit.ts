import type { ResolvedConfig } from '../kernel/config/schema';
import type { BundleMeta } from '../kernel/contributions/model-bundle';
import { InputError } from '../errors';
import { formatMegavoxels } from '@biaflow/image';

/**
 * A model bundle's tile size (`patch_size` in its `biaflow.json`: prediction cuts images into tiles
 * of the size the model was trained on) checked against the run's `system.max_image_megavoxels`
 * before the model is opened: a batch of tiles (`predict.batch_size`, all input channels) may hold no
 * more samples than the largest image the run reads. A bundle is data (it may be downloaded), so
 * its sizes are checked as a config's are.
 */
export function checkBundleTileSize(meta: BundleMeta, config: Pick<ResolvedConfig, 'system' | 'predict'>, file: string): void {
  const patch = meta.patch_size as unknown;
  if (patch === null || patch === undefined) return;
  if (!Array.isArray(patch) || patch.length === 0 || !patch.every((s) => Number.isInteger(s) && s > 0)) {
    throw new InputError(`patch_size must be a list of positive whole numbers (the tile size), got ${JSON.stringify(patch)?.slice(0, 80)}`, { file });
  }
  const channels = Number.isInteger(meta.input_channels) && meta.input_channels > 0 ? meta.input_channels : 1;
  const batch = config.predict.batch_size;
  const samples = (patch as number[]).reduce((p, s) => p * s, 1) * channels * batch;
  const cap = config.system.max_image_megavoxels;
  if (samples <= cap * 1e6) return;
  const needed = Math.ceil(samples / 1e6);
  throw new InputError(
    `patch_size: tiles of [${patch.join(', ')}] × ${channels} channel(s) in batches of ${batch} (predict.batch_size) are ${formatMegavoxels(samples)} megavoxels per batch, more than the limit of ${formatMegavoxels(cap * 1e6)} (system.max_image_megavoxels); refused before the model is opened`,
    { file, hint: `a smaller predict.batch_size lowers it${Number.isFinite(needed) ? `; if the model is meant to take tiles this large, raise the limit: --set system.max_image_megavoxels=${needed}` : ''}` },
  );
}
