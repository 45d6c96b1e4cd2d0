import type { ConfigIssue } from '../errors';
import { formatMegavoxels } from '@biaflow/image';
import type { ResolvedConfig } from '../kernel/config/schema';

/**
 * Sizes a config sets that decide what is allocated, checked against `system.max_image_megavoxels`
 * when the config is loaded — before any image, model or tensor exists: a batch of patches (training)
 * or of tiles (prediction) may hold no more samples than the largest image a run reads, and a tile's
 * context (`predict.padding`) must leave part of the tile to keep. `--set data.patch_size=[1e9,1e9]`
 * is refused here, naming the key, instead of failing after minutes and gigabytes in a typed array.
 */
export function sizeLimitIssues(config: ResolvedConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const patch = config.data.patch_size;
  if (!patch || patch.length === 0) return issues;
  const cap = config.system.max_image_megavoxels;
  const channels = config.data.channels ?? 1;
  const perPatch = patch.reduce((p, s) => p * s, 1) * channels;
  const batches: [string, number][] = [
    ...(config.train.enabled ? ([['train.batch_size', config.train.batch_size]] as [string, number][]) : []),
    ['predict.batch_size', config.predict.batch_size],
  ];
  const [key, batch] = batches.reduce((a, b) => (b[1] > a[1] ? b : a));
  const samples = perPatch * batch;
  if (!(samples <= cap * 1e6)) {
    const needed = Math.ceil(samples / 1e6);
    issues.push({
      path: 'data.patch_size',
      message: `[${patch.join(', ')}]${channels > 1 ? ` × ${channels} channels (data.channels)` : ''} in batches of ${batch} (${key}) is ${formatMegavoxels(samples)} megavoxels per batch, more than the limit of ${formatMegavoxels(cap * 1e6)} (system.max_image_megavoxels); refused before anything is allocated: give a smaller patch or batch${
        Number.isFinite(needed) && needed < 2 ** 53 ? `, or raise the limit if a batch is meant to be this large (--set system.max_image_megavoxels=${needed})` : ''
      }`,
    });
  }
  const smallest = Math.min(...patch);
  if (2 * config.predict.padding >= smallest) {
    issues.push({
      path: 'predict.padding',
      message: `is ${config.predict.padding}, but a tile of data.patch_size [${patch.join(', ')}] keeps patch − 2·padding pixels, which must be at least 1: give less than half the smallest patch side (at most ${Math.max(0, Math.ceil(smallest / 2) - 1)})`,
    });
  }
  return issues;
}
