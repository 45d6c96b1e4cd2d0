import type { BundleMeta } from '../core-api';

/** Space axis ids of a biaflow model, in model order. */
export function spatialAxisIds(ndim: 2 | 3): string[] {
  return ndim === 3 ? ['z', 'y', 'x'] : ['y', 'x'];
}

/** A space axis of the exported input: its size rule and the halo its output crops. */
export interface SpatialRule {
  id: string;
  /** A fixed size (classifiers), or every `min + n·step` (segmentation networks). */
  size: number | { min: number; step: number };
  /** Pixels of each output tile's border that tiling should discard (0: none declared). */
  halo: number;
}

export interface SpatialRuleOptions {
  /** Halo per axis (or one for all) instead of the default. */
  halo?: number | readonly number[];
  /** The training config's `predict.padding` (context biaflow discards around each tile). */
  padding?: number;
}

/**
 * The input size rules of an exported network, from its bundle. Classifiers take the patch they
 * were trained on (fixed size, no halo). Segmentation networks take any multiple of `size_divisor`
 * (the `step`); the halo is `--halo`, else the training config's `predict.padding`, else an eighth
 * of the training patch (32 for 256-pixel patches, as the zoo's U-Net examples), and `min` is the
 * smallest multiple of the step that keeps a pixel after cropping the halo on both sides.
 */
export function spatialRules(meta: BundleMeta, classifier: boolean, options: SpatialRuleOptions = {}): SpatialRule[] {
  const ids = spatialAxisIds(meta.ndim);
  const patch = meta.patch_size;
  if (classifier) {
    if (!patch) throw new Error('a classifier bundle without patch_size: its input size is unknown');
    return ids.map((id, d) => ({ id, size: patch[d], halo: 0 }));
  }
  return ids.map((id, d) => {
    const step = meta.size_divisor[d] ?? 1;
    const given = options.halo === undefined ? undefined : typeof options.halo === 'number' ? options.halo : options.halo[d];
    const halo = given ?? (options.padding && options.padding > 0 ? options.padding : patch ? Math.floor(patch[d] / 8) : 0);
    const min = step * Math.ceil((2 * halo + 1) / step);
    return { id, size: { min, step }, halo };
  });
}

/**
 * The test tensor's size along one axis: the largest valid size not above `min(available, cap)`,
 * or the smallest valid size when the image is smaller (it is then mirrored up to it).
 */
export function testSize(rule: SpatialRule['size'], available: number, cap: number): number {
  if (typeof rule === 'number') return rule;
  const target = Math.min(available, cap);
  if (target < rule.min) return rule.min;
  return rule.min + Math.floor((target - rule.min) / rule.step) * rule.step;
}

const PYTHON_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(' '),
);

/**
 * Channel names as the zoo needs them (Python identifiers, not keywords, unique): other characters
 * become `_`, a leading digit gets a `c` before it; missing names are `channel0`, `channel1`…
 */
export function channelIdentifiers(names: readonly string[], count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let id = (names[i] ?? '').trim().replace(/[^A-Za-z0-9_]/g, '_');
    if (!id) id = `channel${i}`;
    if (/^[0-9]/.test(id)) id = `c${id}`;
    if (PYTHON_KEYWORDS.has(id)) id = `${id}_`;
    let unique = id;
    for (let k = 2; out.includes(unique); k++) unique = `${id}_${k}`;
    out.push(unique);
  }
  return out;
}
