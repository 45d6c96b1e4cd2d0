import { registerNormalizer } from '../engine/bundle/normalizers';
import type { NormalizationSettings } from '../engine/bundle/bundle-meta';
import { DEFAULT_NORMALIZATION, ImageNormalizer, type NormalizationRecord } from '@biaflow/image';

/**
 * The data pipeline writes its `NormalizationRecord` into the model bundle (`biaflow.json`
 * `normalization`); the engine's `predict` applies it through the normalizer registered for its
 * method. Registered when core loads, so any bundle core trained can be used for prediction.
 */
export function recordFromBundle(settings: NormalizationSettings): NormalizationRecord {
  const s = settings as Partial<NormalizationRecord>;
  return {
    ...DEFAULT_NORMALIZATION,
    ...s,
    method: settings.method as NormalizationRecord['method'],
    version: s.version ?? 1,
  };
}

for (const method of ['div', 'zscore', 'percentile'] as const) {
  registerNormalizer(method, (image, settings) => new ImageNormalizer(recordFromBundle(settings), image.shape.length - 1).apply(image));
}
