import { toFloat64, type NdArray } from '../../ndarray';
import { KwargsReader, alongAxis, type ProcessingOp } from '../step-context';

/** `x > threshold` as a bool tensor; per-position thresholds along `axis` when it is given. */
export const binarize: ProcessingOp = (x, axes, kwargs, ctx) => {
  const k = new KwargsReader(kwargs, ctx);
  const threshold = k.numbers('threshold');
  let at: (i: number) => number;
  if (k.has('axis')) {
    const a = k.axisIndex('axis', k.string('axis'), axes);
    at = alongAxis(Array.isArray(threshold) ? threshold : [threshold], x, a, 'threshold', k);
  } else {
    if (Array.isArray(threshold)) k.fail('threshold', 'a list of thresholds needs `axis` (the axis they run along)');
    const t = threshold as number;
    at = () => t;
  }
  const v = toFloat64(x);
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i] > at(i) ? 1 : 0;
  const result: NdArray = { data: out, shape: [...x.shape], dtype: 'bool' };
  return result;
};
