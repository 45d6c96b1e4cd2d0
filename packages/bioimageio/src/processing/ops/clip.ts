import { toFloat64 } from '../../ndarray';
import { groupIndex, groupsOf, quantiles } from '../reduce';
import { KwargsReader, floatOutput, type ProcessingOp } from '../step-context';

/**
 * Clip to [min, max]. Bounds are values (`min`, `max`) or percentiles of the tensor itself
 * (`min_percentile`, `max_percentile`), computed jointly over `axes` (default: all) with the
 * `inverted_cdf` method, as bioimageio.core does.
 */
export const clip: ProcessingOp = (x, axes, kwargs, ctx) => {
  const k = new KwargsReader(kwargs, ctx);
  if (k.has('min') && k.has('min_percentile')) k.fail('min_percentile', 'give `min` or `min_percentile`, not both');
  if (k.has('max') && k.has('max_percentile')) k.fail('max_percentile', 'give `max` or `max_percentile`, not both');
  if (!k.has('min') && !k.has('max') && !k.has('min_percentile') && !k.has('max_percentile')) {
    k.fail('min', 'one of `min`, `max`, `min_percentile`, `max_percentile` is required');
  }
  const v = toFloat64(x);
  let lower: (i: number) => number = () => -Infinity;
  let upper: (i: number) => number = () => Infinity;
  if (k.has('min')) {
    const m = k.number('min');
    lower = () => m;
  }
  if (k.has('max')) {
    const m = k.number('max');
    upper = () => m;
  }
  if (k.has('min_percentile') || k.has('max_percentile')) {
    const reduce = k.axes();
    const groups = groupsOf(x.shape, axes, reduce, k.path('axes'));
    const ids = groupIndex(x.shape, axes, groups, k.path('axes'));
    const qs: number[] = [];
    if (k.has('min_percentile')) qs.push(k.number('min_percentile') / 100);
    if (k.has('max_percentile')) qs.push(k.number('max_percentile') / 100);
    const values = quantiles(v, ids, groups.count, qs, 'inverted_cdf');
    let next = 0;
    if (k.has('min_percentile')) {
      const q = values[next++];
      lower = (i) => q[ids ? ids[i] : 0];
    }
    if (k.has('max_percentile')) {
      const q = values[next];
      upper = (i) => q[ids ? ids[i] : 0];
    }
  }
  const out = floatOutput(x);
  for (let i = 0; i < v.length; i++) out[i] = Math.min(Math.max(v[i], lower(i)), upper(i));
  return { data: out, shape: [...x.shape] };
};
