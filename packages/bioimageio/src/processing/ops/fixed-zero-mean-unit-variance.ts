import { toFloat64 } from '../../ndarray';
import { KwargsReader, alongAxis, floatOutput, type ProcessingOp } from '../step-context';

/** Epsilon bioimageio.core adds to the given std (`(x - mean) / (std + 1e-6)`). */
const EPS = 1e-6;

/** `(x - mean) / (std + 1e-6)` with given values: scalars, or one per position along `axis`. */
export const fixedZeroMeanUnitVariance: ProcessingOp = (x, axes, kwargs, ctx) => {
  const k = new KwargsReader(kwargs, ctx);
  const mean = k.numbers('mean');
  const std = k.numbers('std');
  let meanAt: (i: number) => number;
  let stdAt: (i: number) => number;
  if (k.has('axis')) {
    const a = k.axisIndex('axis', k.string('axis'), axes);
    const means = Array.isArray(mean) ? mean : [mean];
    const stds = Array.isArray(std) ? std : [std];
    if (means.length !== stds.length) k.fail('std', `lists ${stds.length} values, mean lists ${means.length}`);
    meanAt = alongAxis(means, x, a, 'mean', k);
    stdAt = alongAxis(stds, x, a, 'std', k);
  } else {
    if (Array.isArray(mean) || Array.isArray(std)) k.fail('axis', 'lists of mean/std values need `axis` (the axis they run along)');
    const m = mean as number;
    const s = std as number;
    meanAt = () => m;
    stdAt = () => s;
  }
  const v = toFloat64(x);
  const out = floatOutput(x);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] - meanAt(i)) / (stdAt(i) + EPS);
  return { data: out, shape: [...x.shape] };
};
