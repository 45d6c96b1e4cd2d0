import { toFloat64 } from '../../ndarray';
import { floatOutput, type ProcessingOp } from '../step-context';

/** The logistic function `1 / (1 + exp(-x))`. */
export const sigmoid: ProcessingOp = (x) => {
  const v = toFloat64(x);
  const out = floatOutput(x);
  for (let i = 0; i < v.length; i++) out[i] = 1 / (1 + Math.exp(-v[i]));
  return { data: out, shape: [...x.shape] };
};
