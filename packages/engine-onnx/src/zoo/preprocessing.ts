import type { NormalizationRecord } from '../core-api';

/** One zoo processing step as written in `bioimageio.yaml`. */
export interface ProcessingStep {
  id: string;
  kwargs?: Record<string, unknown>;
}

export interface ZooPreprocessing {
  steps: ProcessingStep[];
  /** Where the package cannot say exactly what biaflow does (written into the package's README). */
  notes: string[];
}

/** Epsilon of the zoo's `zero_mean_unit_variance` and `scale_range`: `(x − mean) / (std + eps)`. */
export const ZOO_EPS = 1e-6;

/** A fresh step each time: a YAML writer turns objects shared in the tree into anchors and aliases. */
const float32 = (): ProcessingStep => ({ id: 'ensure_dtype', kwargs: { dtype: 'float32' } });

/** One value for every channel when they agree (the zoo's scalar form), else the list along `channel`. */
function perChannel(values: readonly number[]): { scalar: number } | { list: number[] } {
  return values.every((v) => v === values[0]) ? { scalar: values[0] } : { list: [...values] };
}

/**
 * The zoo preprocessing that reproduces biaflow's normalization of an input (core's
 * `data/normalization.ts`: `out = (clip(x, low, high) − offset) / scale` per channel).
 *
 * - `div` (scale fixed at training: the dtype maximum) → `scale_linear` with gain 1/scale;
 * - `zscore` measured on each image → `zero_mean_unit_variance` over the spatial axes (one mean and
 *   population std per image and channel, as biaflow), eps 1e-6 where biaflow divides by the std
 *   itself: a relative difference below 1e-6 / std;
 * - `percentile` measured on each image → `scale_range` with the percentiles over the spatial axes
 *   (numpy `linear` percentiles, as biaflow), then `clip` to [0, 1]: biaflow clips the raw values to
 *   the percentiles, which is the same after the affine map;
 * - statistics fixed over the training set (`dataset` scope) → `fixed_zero_mean_unit_variance` with
 *   the stored offset and scale per channel (mean = offset, std = scale), then for `percentile` the
 *   clip to where the percentiles land;
 * - `patch` scope (statistics of each training patch and prediction tile) has no zoo equivalent: the
 *   package measures them over the whole input, as for `image` scope, and says so in a note.
 *
 * `spatialAxes` are the input's space axis ids (`['y', 'x']`, `['z', 'y', 'x']`).
 */
export function zooPreprocessing(record: NormalizationRecord | null, spatialAxes: readonly string[]): ZooPreprocessing {
  const notes: string[] = [];
  const steps: ProcessingStep[] = [float32()];
  const method = record?.method ?? 'none';
  if (!record || method === 'none') return { steps: [...steps, float32()], notes };

  const stats = record.stats;
  if (method === 'div') {
    if (!stats) throw new Error('div normalization without its stored divisor');
    const gain = perChannel(stats.scale.map((s) => 1 / s));
    steps.push({ id: 'scale_linear', kwargs: 'scalar' in gain ? { gain: gain.scalar, offset: 0 } : { axis: 'channel', gain: gain.list, offset: stats.scale.map(() => 0) } });
  } else if (stats) {
    // Statistics fixed at training (dataset scope): an affine map per channel.
    const mean = perChannel(stats.offset);
    const std = perChannel(stats.scale);
    steps.push({
      id: 'fixed_zero_mean_unit_variance',
      kwargs: 'scalar' in mean && 'scalar' in std ? { mean: mean.scalar, std: std.scalar } : { axis: 'channel', mean: [...stats.offset], std: [...stats.scale] },
    });
    if (method === 'percentile') {
      if (!stats.low || !stats.high) throw new Error('percentile normalization without its stored percentiles');
      const top = Math.max(...stats.high.map((h, c) => (h - stats.low![c]) / stats.scale[c]));
      steps.push({ id: 'clip', kwargs: { min: 0, max: top } });
    }
  } else if (method === 'zscore') {
    steps.push({ id: 'zero_mean_unit_variance', kwargs: { axes: [...spatialAxes], eps: ZOO_EPS } });
  } else if (method === 'percentile') {
    const [low, high] = record.percentiles;
    steps.push({ id: 'scale_range', kwargs: { axes: [...spatialAxes], min_percentile: low, max_percentile: high, eps: ZOO_EPS } });
    steps.push({ id: 'clip', kwargs: { min: 0, max: 1 } });
  } else {
    throw new Error(`normalization method "${method}" has no BioImage Model Zoo equivalent`);
  }
  if (record.scope === 'patch' && !stats) {
    notes.push(
      `biaflow normalized each training patch and prediction tile with its own statistics (normalization scope "patch"); the package's preprocessing measures them over the whole input it is given.`,
    );
  }
  steps.push(float32());
  return { steps, notes };
}
