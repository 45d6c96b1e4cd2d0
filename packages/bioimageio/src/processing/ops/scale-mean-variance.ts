import { toFloat64 } from '../../ndarray';
import { groupIndex, groupsOf, meanStd } from '../reduce';
import { KwargsReader, floatOutput, type ProcessingOp } from '../step-context';

/**
 * Match another tensor's mean and std: `(x - mean) / (std + eps) * (ref_std + eps) + ref_mean`,
 * statistics over `axes` (default: all), the reference being an (unprocessed) input tensor.
 */
export const scaleMeanVariance: ProcessingOp = (x, axes, kwargs, ctx) => {
  const k = new KwargsReader(kwargs, ctx);
  if (!k.has('reference_tensor')) k.fail('reference_tensor', 'is required');
  const ref = k.reference('reference_tensor', { tensor: x, axes });
  const eps = k.number('eps', 1e-6);
  const reduce = k.axes();
  const groups = groupsOf(x.shape, axes, reduce, k.path('axes'));
  const ids = groupIndex(x.shape, axes, groups, k.path('axes'));
  const v = toFloat64(x);
  const own = meanStd(v, ids, groups.count);

  const refGroups = groupsOf(ref.tensor.shape, ref.axes, reduce, k.path('axes'));
  const refStats = meanStd(toFloat64(ref.tensor), groupIndex(ref.tensor.shape, ref.axes, refGroups, k.path('axes')), refGroups.count);
  // The reference statistics, indexed by this tensor's elements.
  const refIds = groupIndex(x.shape, axes, refGroups, k.path('reference_tensor'));

  const out = floatOutput(x);
  for (let i = 0; i < v.length; i++) {
    const g = ids ? ids[i] : 0;
    const r = refIds ? refIds[i] : 0;
    out[i] = ((v[i] - own.mean[g]) / (own.std[g] + eps)) * (refStats.std[r] + eps) + refStats.mean[r];
  }
  return { data: out, shape: [...x.shape] };
};
