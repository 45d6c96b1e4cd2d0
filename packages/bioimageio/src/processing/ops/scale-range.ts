import { toFloat64 } from '../../ndarray';
import { groupIndex, groupsOf, quantiles } from '../reduce';
import { KwargsReader, floatOutput, type ProcessingOp } from '../step-context';

/**
 * `(x - lower) / (upper - lower + eps)` with `lower`/`upper` the `min_percentile`/`max_percentile`
 * (default 0 and 100: min and max) over `axes` (default: all) of the tensor itself or of
 * `reference_tensor`; numpy's `linear` percentiles, as bioimageio.core.
 */
export const scaleRange: ProcessingOp = (x, axes, kwargs, ctx) => {
  const k = new KwargsReader(kwargs, ctx);
  const minP = k.number('min_percentile', 0);
  const maxP = k.number('max_percentile', 100);
  if (minP < 0 || minP >= 100) k.fail('min_percentile', `must be in [0, 100), got ${minP}`);
  if (maxP <= 1 || maxP > 100) k.fail('max_percentile', `must be in (1, 100], got ${maxP} (percentiles, not fractions)`);
  if (minP >= maxP) k.fail('max_percentile', `must be greater than min_percentile ${minP}, got ${maxP}`);
  const eps = k.number('eps', 1e-6);
  const ref = k.reference('reference_tensor', { tensor: x, axes });
  const reduce = k.axes();
  const groups = groupsOf(ref.tensor.shape, ref.axes, reduce, k.path('axes'));
  const refIds = groupIndex(ref.tensor.shape, ref.axes, groups, k.path('axes'));
  const [lower, upper] = quantiles(toFloat64(ref.tensor), refIds, groups.count, [minP / 100, maxP / 100], 'linear');
  const ids = ref.tensor === x ? refIds : groupIndex(x.shape, axes, groups, k.path('reference_tensor'));
  const v = toFloat64(x);
  const out = floatOutput(x);
  for (let i = 0; i < v.length; i++) {
    const g = ids ? ids[i] : 0;
    out[i] = (v[i] - lower[g]) / (upper[g] - lower[g] + eps);
  }
  return { data: out, shape: [...x.shape] };
};
