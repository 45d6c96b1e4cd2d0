import { DEFAULT_NORMALIZATION, type NormalizationRecord } from './normalization';

/**
 * The normalization a model bundle stores (`biaflow.json` `normalization`: `{ method, ...settings }`)
 * as the record `ImageNormalizer` applies: what training fitted, applied the same way at prediction.
 * Settings a bundle predates take their defaults.
 */
export function recordFromBundle(settings: { method: string; [setting: string]: unknown }): NormalizationRecord {
  const s = settings as Partial<NormalizationRecord>;
  return {
    ...DEFAULT_NORMALIZATION,
    ...s,
    method: settings.method as NormalizationRecord['method'],
    version: s.version ?? 1,
  };
}
