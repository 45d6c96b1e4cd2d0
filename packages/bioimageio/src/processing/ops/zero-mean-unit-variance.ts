import { toFloat64 } from '../../ndarray';
import { groupIndex, groupsOf, meanStd } from '../reduce';
import { KwargsReader, floatOutput, type ProcessingOp } from '../step-context';

/** `(x - mean) / (std + eps)` with mean and std of the tensor itself over `axes` (default: all). */
export const zeroMeanUnitVariance: ProcessingOp = (x, axes, kwargs, ctx) => {
  const k = new KwargsReader(kwargs, ctx);
  const eps = k.number('eps', 1e-6);
  const groups = groupsOf(x.shape, axes, k.axes(), k.path('axes'));
  const ids = groupIndex(x.shape, axes, groups, k.path('axes'));
  const v = toFloat64(x);
  const { mean, std } = meanStd(v, ids, groups.count);
  const out = floatOutput(x);
  for (let i = 0; i < v.length; i++) {
    const g = ids ? ids[i] : 0;
    out[i] = (v[i] - mean[g]) / (std[g] + eps);
  }
  return { data: out, shape: [...x.shape] };
};
