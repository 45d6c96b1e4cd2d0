import { parseOverride } from './overrides';
import { isPlainObject } from './schema-walk';

/**
 * `system.max_image_megavoxels` as the `--set` entries give it, for what is read before the run's
 * config exists (a model package is read to build the config, and its declared tensors are checked
 * against the cap the run will have). Undefined when no entry sets it, or sets something the config
 * validation will refuse.
 */
export function maxMegavoxelsFromSets(sets: readonly string[] = []): number | undefined {
  let cap: unknown;
  for (const o of sets.map(parseOverride)) {
    const [section, key] = o.keyPath;
    if (section !== 'system') continue;
    if (key === 'max_image_megavoxels' && o.keyPath.length === 2) cap = o.value;
    else if (o.keyPath.length === 1 && isPlainObject(o.value) && 'max_image_megavoxels' in o.value) cap = o.value.max_image_megavoxels;
  }
  return typeof cap === 'number' && Number.isFinite(cap) && cap > 0 ? cap : undefined;
}
